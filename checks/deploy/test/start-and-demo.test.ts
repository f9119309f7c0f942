/**
 * The README's quick start, for real: `pnpm start` (scripts/start.mjs) brings
 * the four services up on the test doubles, and `pnpm demo` drives all six
 * apps. Both run the built apps (turbo builds them before tests).
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
// No GITLAB_URL / FRESHDESK_URL: the scripts must fall back to the doubles.
const cleanEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };

function runScript(script: string, args: string[] = []) {
  const child = spawn(process.execPath, [path.join(root, 'scripts', script), ...args], {
    cwd: root,
    env: cleanEnv,
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  /** Resolves once the output contains `text`, or the script has exited (the test's timeout bounds the wait). */
  const until = (text: string) =>
    new Promise<void>((resolve) => {
      const check = () => out.includes(text) && resolve();
      child.stdout.on('data', check);
      child.stderr.on('data', check);
      void exit.then(() => resolve());
      check();
    });
  return { child, exit, until, output: () => out };
}

describe('quick start', () => {
  it('[slow] pnpm start: the four services become healthy within 60 s on the doubles, said loudly; SIGTERM stops all', async () => {
    // --free-ports: this test must not collide with anything holding 3001-3004.
    const run = runScript('start.mjs', ['--free-ports']);
    await run.until('The suite is running');
    const out = run.output();
    expect(out).toContain('TEST DOUBLES, NOT REAL SYSTEMS');
    const urls: string[] = [];
    for (const app of ['release-api', 'freshdesk-bridge', 'version-check', 'board-sync']) {
      const url = new RegExp(`${app}\\s+(http://127\\.0\\.0\\.1:\\d+)\\s+healthy`).exec(out)?.[1];
      expect({ app, url }).toEqual({ app, url: expect.any(String) });
      const res = await fetch(`${url}/healthz`);
      expect(await res.json()).toEqual({ status: 'ok' });
      urls.push(url!);
    }
    expect(new Set(urls).size).toBe(4);
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    for (const url of urls) await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  }, 90_000);

  it('[slow] pnpm demo: drives all six apps against the doubles and exits 0', async () => {
    // Something else (e.g. a running `pnpm start`) holds release-api's default port: the demo must not care.
    // (Already held by something else is as good.)
    const squatter = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) =>
      squatter.once('error', () => resolve()).listen(3001, '127.0.0.1', resolve),
    );
    const run = runScript('demo.mjs');
    const code = await run.exit;
    if (squatter.listening) await new Promise((resolve) => squatter.close(resolve));
    const out = run.output();
    expect({ code, out }).toEqual({
      code: 0,
      out: expect.stringContaining('All six apps ran against the test doubles.'),
    });
    for (const app of [
      'release-api',
      'freshdesk-bridge',
      'version-check',
      'board-sync',
      'lib-tagger',
      'race-reporter',
    ]) {
      expect(out).toContain(`== ${app}`);
    }
  }, 120_000);
});
