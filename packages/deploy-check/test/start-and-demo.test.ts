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

function runScript(script: string) {
  const child = spawn(process.execPath, [path.join(root, 'scripts', script)], { cwd: root, env: cleanEnv });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exit, output: () => out };
}

describe('quick start', () => {
  it('[slow] pnpm start: the four services become healthy within 60 s on the doubles, said loudly; SIGTERM stops all', async () => {
    const run = runScript('start.mjs');
    const started = Date.now();
    while (
      !run.output().includes('The suite is running') &&
      Date.now() - started < 60_000 &&
      run.child.exitCode === null
    ) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const out = run.output();
    expect(out).toContain('TEST DOUBLES, NOT REAL SYSTEMS');
    for (const [app, port] of [
      ['release-api', 3001],
      ['freshdesk-bridge', 3002],
      ['version-check', 3003],
      ['board-sync', 3004],
    ] as const) {
      expect(out).toMatch(new RegExp(`${app}\\s+http://127\\.0\\.0\\.1:${port}\\s+healthy`));
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(await res.json()).toEqual({ status: 'ok' });
    }
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    await expect(fetch('http://127.0.0.1:3001/healthz')).rejects.toThrow();
  }, 90_000);

  it('[slow] pnpm demo: drives all six apps against the doubles and exits 0', async () => {
    // Something else (e.g. a running `pnpm start`) holds release-api's default port: the demo must not care.
    const squatter = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => squatter.listen(3001, '127.0.0.1', resolve));
    const run = runScript('demo.mjs');
    const code = await run.exit;
    await new Promise((resolve) => squatter.close(resolve));
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
