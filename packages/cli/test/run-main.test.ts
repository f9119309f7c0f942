import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
// A fixture app on this package's own dist/ (turbo builds it before the tests), not another app's.
const fixture = path.join(__dirname, 'fixtures/fixture-main.js');
const TOKEN = 'fixture-token-value-123';

/** Runs the fixture in a scratch directory with a clean environment. */
async function cli(args: string[], env: Record<string, string>, cwd: string) {
  try {
    const r = await run(process.execPath, [fixture, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('a real process through startMain', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('exits 78 naming every bad or missing variable at once, never echoing a secret', async () => {
    const r = await cli([], { FIXTURE_TOKEN: TOKEN, FIXTURE_MODE: 'sideways' }, dir);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('FIXTURE_URL');
    expect(r.stderr).toContain('FIXTURE_MODE');
    expect(r.stderr).not.toContain(TOKEN);
    expect(r.stderr).not.toMatch(/FIXTURE_TOKEN:/);
  });

  it('exits 78 on a secret shorter than 16 characters, naming it without its value', async () => {
    const r = await cli([], { FIXTURE_URL: 'https://x.example.com', FIXTURE_TOKEN: 'short-token' }, dir);
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('FIXTURE_TOKEN: is shorter than 16 characters');
    expect(r.stderr).not.toContain('short-token');
  });

  it('takes settings from .env in the working directory, the real environment winning', async () => {
    fs.writeFileSync(
      path.join(dir, '.env'),
      `FIXTURE_URL=https://from-file.example.com\nFIXTURE_TOKEN=${TOKEN}\nFIXTURE_MODE=sideways\n`,
    );
    const bad = await cli([], { FIXTURE_MODE: 'also-bad' }, dir);
    expect(bad.code).toBe(78);
    expect(bad.stderr).not.toContain('FIXTURE_URL');
    expect(bad.stderr).not.toContain('FIXTURE_TOKEN');
    expect(bad.stderr).toContain('"also-bad" is not one of patch, conventional');
    const good = await cli(['--say', 'hi'], { FIXTURE_MODE: 'conventional' }, dir);
    expect(good).toMatchObject({ code: 0, stdout: 'conventional hi\n' });
  });

  it('masks the configured secret in its logs and exits 1 on a failure', async () => {
    const r = await cli(
      ['--say', 'fail'],
      { FIXTURE_URL: 'https://x.example.com', FIXTURE_TOKEN: TOKEN },
      dir,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('running with [REDACTED]');
    expect(r.stderr).toContain('failed using [REDACTED]');
    expect(r.stderr + r.stdout).not.toContain(TOKEN);
  });

  it('answers --help with usage and settings, exit 0', async () => {
    const r = await cli(['--help'], {}, dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage:');
    expect(r.stdout).toContain('--say WORDS');
    expect(r.stdout).toContain('FIXTURE_TOKEN');
    expect(r.stdout).toContain('LOG_LEVEL');
  });

  it('exits 78 on an unknown flag', async () => {
    const r = await cli(['--frobnicate'], {}, dir);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/frobnicate/);
  });
});
