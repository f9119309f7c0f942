import { startFreshdeskDouble } from './freshdesk';
import { seedDemo } from './gitlab/seed-demo';
import { startGitLabDouble } from './gitlab/start-gitlab-double';
import { logUnknownRoutes } from './strict/log-unknown-routes';

/**
 * `node packages/testkit/dist/main.js`: starts the GitLab and Freshdesk doubles
 * with demo data, prints one JSON line with their URLs and credentials (they
 * are throw-away values of in-memory doubles), and stays up until
 * SIGTERM/SIGINT. GITLAB_DOUBLE_PORT picks a fixed port (default: any).
 */
async function main(): Promise<void> {
  const port = Number(process.env.GITLAB_DOUBLE_PORT ?? 0);
  const token = process.env.GITLAB_DOUBLE_TOKEN || undefined;
  const gitlab = await startGitLabDouble({
    port,
    ...(token ? { token } : {}),
    ...logUnknownRoutes('GitLab'),
  });
  const seed = seedDemo(gitlab);
  const freshdesk = await startFreshdeskDouble(logUnknownRoutes('Freshdesk'));
  const ticket = freshdesk.addTicket({
    subject: 'Export to PDF crashes the server',
    description: '<p>When I export the <b>monthly report</b>, the server crashes.</p>',
  });
  process.stdout.write(
    `${JSON.stringify({
      gitlab: { url: gitlab.url, token: gitlab.token, projects: [seed.library.path, seed.app.path] },
      freshdesk: { url: freshdesk.url, apiKey: freshdesk.apiKey, tickets: [ticket.id] },
    })}\n`,
  );
  const stop = () => {
    void Promise.all([gitlab.close(), freshdesk.close()]).then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
