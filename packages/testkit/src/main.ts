import { seedDemo } from './gitlab/seed-demo';
import { startGitLabDouble } from './gitlab/start-gitlab-double';

/**
 * `node packages/testkit/dist/main.js`: starts the doubles with demo data, prints one JSON line with their
 * URLs and tokens, and stays up until SIGTERM/SIGINT. GITLAB_DOUBLE_PORT picks a fixed port (default: any).
 */
async function main(): Promise<void> {
  const port = Number(process.env.GITLAB_DOUBLE_PORT ?? 0);
  const token = process.env.GITLAB_DOUBLE_TOKEN || undefined;
  const gitlab = await startGitLabDouble({ port, ...(token ? { token } : {}) });
  const seed = seedDemo(gitlab);
  process.stdout.write(
    `${JSON.stringify({ gitlab: { url: gitlab.url, token: gitlab.token, projects: [seed.library.path, seed.app.path] } })}\n`,
  );
  const stop = () => {
    void gitlab.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
