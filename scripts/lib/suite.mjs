// Shared by start.mjs and demo.mjs: the test doubles, development secrets and
// the four services as child processes.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SERVICES = [
  ['release-api', 3001],
  ['freshdesk-bridge', 3002],
  ['version-check', 3003],
  ['board-sync', 3004],
];

export const load = (rel) => require(path.join(root, rel));

/** .env merged under the real environment (the same rule the apps follow). */
export function environment() {
  const { readEnvironment } = load('packages/config/dist/index.js');
  return readEnvironment(process.env, root);
}

export function banner(lines) {
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const bar = '!'.repeat(width);
  process.stderr.write(`\n${bar}\n${lines.map((l) => `! ${l.padEnd(width - 4)} !`).join('\n')}\n${bar}\n\n`);
}

/** Starts the GitLab / Freshdesk doubles where no real instance is configured. */
export async function startDoubles(env, { seed = true } = {}) {
  const testkit = load('packages/testkit/dist/index.js');
  const out = { env: { ...env }, gitlab: undefined, freshdesk: undefined };
  if (!env.GITLAB_URL) {
    out.gitlab = await testkit.startGitLabDouble({
      port: Number(env.GITLAB_DOUBLE_PORT ?? 0),
      // a route the double does not implement is logged on stderr, not a failure of the running suite
      ...testkit.logUnknownRoutes('GitLab'),
    });
    if (seed) {
      testkit.seedDemo(out.gitlab);
      out.gitlab.addProject({ path: 'support/escalations', defaultBranch: 'main' });
    }
    Object.assign(out.env, { GITLAB_URL: out.gitlab.url, GITLAB_TOKEN: out.gitlab.token });
  }
  if (!env.FRESHDESK_URL) {
    out.freshdesk = await testkit.startFreshdeskDouble(testkit.logUnknownRoutes('Freshdesk'));
    if (seed)
      out.freshdesk.addTicket({
        subject: 'Printer on fire',
        description: '<p>The <b>printer</b> is on fire.</p>',
      });
    Object.assign(out.env, {
      FRESHDESK_URL: out.freshdesk.url,
      FRESHDESK_API_KEY: out.freshdesk.apiKey,
      // the double serves attachments over plain http on loopback: the one thing this setting is for
      BRIDGE_ALLOW_PRIVATE_HOSTS: 'true',
    });
  }
  if (out.gitlab || out.freshdesk) {
    banner([
      'TEST DOUBLES, NOT REAL SYSTEMS',
      ...(out.gitlab
        ? [`GitLab double (in-memory${seed ? ', seeded demo data' : ''}): ${out.gitlab.url}`]
        : []),
      ...(out.freshdesk
        ? [`Freshdesk double (in-memory${seed ? ', seeded demo ticket' : ''}): ${out.freshdesk.url}`]
        : []),
      'Nothing you do here reaches a real GitLab or Freshdesk.',
      'Set GITLAB_URL / FRESHDESK_URL (see .env.example) to use real ones.',
    ]);
  }
  return out;
}

/**
 * Secrets a local run needs but the user did not set: generated once, kept in
 * data/dev-secrets.env (mode 600, git-ignored) so that they stay stable, never printed.
 */
export function devSecrets(env) {
  const file = path.join(root, 'data/dev-secrets.env');
  // Written by this function only: plain NAME=hex lines.
  const stored = fs.existsSync(file)
    ? Object.fromEntries(
        fs
          .readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => /^[A-Z_]+=/.test(l))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      )
    : {};
  const wanted = ['RELEASE_SHARED_SECRET', 'GITLAB_WEBHOOK_SECRET', 'BRIDGE_API_KEYS'];
  const used = {};
  const generated = [];
  for (const name of wanted) {
    if (env[name]) continue;
    if (!stored[name]) generated.push(name);
    used[name] = stored[name] ?? randomBytes(24).toString('hex');
  }
  if (generated.length) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const all = { ...stored, ...used };
    fs.writeFileSync(
      file,
      Object.entries(all)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n') + '\n',
      { mode: 0o600 },
    );
  }
  if (Object.keys(used).length) {
    process.stderr.write(
      `Development secrets for ${Object.keys(used).join(', ')} are in ${path.relative(root, file)}\n`,
    );
  }
  return { ...env, ...used };
}

/** Spawns `node apps/<app>/dist/main.js`, prefixing its output. */
export function spawnApp(app, env, { quiet = false, args = [] } = {}) {
  const child = spawn(process.execPath, [path.join(root, 'apps', app, 'dist/main.js'), ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${app}]`.padEnd(19);
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop();
      if (!quiet) for (const line of lines) process.stdout.write(`${prefix} ${line}\n`);
    });
  }
  return child;
}

/** A free TCP port on loopback (the demo runs beside `pnpm start` without clashing). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function waitHealthy(url, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** The settings each service needs in a local run, on top of the environment. */
export function serviceEnv(env, port) {
  return {
    ...env,
    PORT: String(port),
    HOST: env.HOST ?? '127.0.0.1',
    LOG_FORMAT: env.LOG_FORMAT ?? 'pretty',
    BRIDGE_GITLAB_PROJECT: env.BRIDGE_GITLAB_PROJECT ?? 'support/escalations',
    BRIDGE_PUBLIC_URL: env.BRIDGE_PUBLIC_URL ?? 'http://127.0.0.1:3002',
  };
}
