// pnpm start: the four services on this machine with settings from .env;
// without GITLAB_URL / FRESHDESK_URL, on the test doubles (said loudly).
// `pnpm start --free-ports`: each service on a free port instead of 3001-3004.
import {
  SERVICES,
  devSecrets,
  environment,
  freePort,
  serviceEnv,
  spawnApp,
  startDoubles,
  waitHealthy,
} from './lib/suite.mjs';

const base = environment();
const doubles = await startDoubles(base);
const env = devSecrets(doubles.env);

const freePorts = process.argv.includes('--free-ports');
const ports = await Promise.all(SERVICES.map(([, port]) => (freePorts ? freePort() : port)));
const bridgePort = ports[SERVICES.findIndex(([app]) => app === 'freshdesk-bridge')];
const children = SERVICES.map(([app], i) => {
  const port = ports[i];
  const own = {
    ...serviceEnv(env, port),
    BRIDGE_PUBLIC_URL: env.BRIDGE_PUBLIC_URL ?? `http://127.0.0.1:${bridgePort}`,
  };
  return { app, port, child: spawnApp(app, own) };
});
let stopping = false;

async function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const { child } of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(
    children.map(({ child }) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null)),
  );
  await doubles.gitlab?.close();
  await doubles.freshdesk?.close();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
for (const { app, child } of children) {
  child.once('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`\n${app} exited (${signal ?? code}); stopping the suite.\n`);
    void stop(1);
  });
}

const host = env.HOST && env.HOST !== '0.0.0.0' ? env.HOST : '127.0.0.1';
const results = await Promise.all(children.map(({ port }) => waitHealthy(`http://${host}:${port}`)));
const lines = children.map(
  ({ app, port }, i) =>
    `  ${app.padEnd(17)} http://${host}:${port}  ${results[i] ? 'healthy' : 'NOT HEALTHY'}`,
);
process.stdout.write(`\nThe suite is running (Ctrl-C stops it):\n${lines.join('\n')}\n`);
if (doubles.gitlab) process.stdout.write(`  GitLab double     ${doubles.gitlab.url}\n`);
if (doubles.freshdesk) process.stdout.write(`  Freshdesk double  ${doubles.freshdesk.url}\n`);
process.stdout.write(`  Userscript:       http://${host}:${bridgePort}/userscript.user.js\n\n`);
if (results.some((ok) => !ok)) await stop(1);
