import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../../..');

/** Runs a real built app (turbo builds before tests) in a scratch directory with a clean environment. */
async function cli(app: string, args: string[], env: Record<string, string>, cwd: string) {
  try {
    const r = await run(process.execPath, [path.join(root, 'apps', app, 'dist/main.js'), ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('a real CLI process', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('exits 78 naming every bad or missing variable at once', async () => {
    const r = await cli(
      'lib-tagger',
      [],
      { GITLAB_TOKEN: 's3cr3t-token-value', CI_COMMIT_SHA: 'not-a-sha', LIB_TAGGER_BUMP: 'sideways' },
      dir,
    );
    expect(r.code).toBe(78);
    for (const name of [
      'GITLAB_URL',
      'CI_PROJECT_ID',
      'CI_COMMIT_SHA',
      'CI_DEFAULT_BRANCH',
      'LIB_TAGGER_BUMP',
    ]) {
      expect(r.stderr).toContain(name);
    }
    expect(r.stderr).not.toContain('s3cr3t-token-value');
    expect(r.stderr).not.toMatch(/GITLAB_TOKEN:/);
  });

  it('takes settings from .env in the working directory, the real environment winning', async () => {
    fs.writeFileSync(
      path.join(dir, '.env'),
      'GITLAB_URL=https://from-file.example.com\nCI_PROJECT_ID=7\nLIB_TAGGER_BUMP=sideways\n',
    );
    const r = await cli('lib-tagger', [], { LIB_TAGGER_BUMP: 'also-bad' }, dir);
    expect(r.code).toBe(78);
    expect(r.stderr).not.toContain('GITLAB_URL');
    expect(r.stderr).not.toContain('CI_PROJECT_ID');
    expect(r.stderr).toContain('"also-bad" is not one of patch, conventional');
  });

  it('answers --help with usage and settings, exit 0', async () => {
    const r = await cli('race-reporter', ['--help'], {}, dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage:');
    expect(r.stdout).toContain('RACE_REPORTER_STATE');
    expect(r.stdout).toContain('LOG_LEVEL');
  });

  it('exits 78 on an unknown flag', async () => {
    const r = await cli('race-reporter', ['--frobnicate'], {}, dir);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/frobnicate/);
  });
});

describe('startMain threadpoolSize', () => {
  const fixture = path.join(__dirname, 'fixtures/threadpool-main.js');
  it('sets UV_THREADPOOL_SIZE before the app runs, unless the operator set it', async () => {
    const own = await run(process.execPath, [fixture], { env: { PATH: process.env.PATH ?? '' } });
    expect(own.stdout.trim()).toBe('16');
    const operator = await run(process.execPath, [fixture], {
      env: { PATH: process.env.PATH ?? '', UV_THREADPOOL_SIZE: '8' },
    });
    expect(operator.stdout.trim()).toBe('8');
  });
});
