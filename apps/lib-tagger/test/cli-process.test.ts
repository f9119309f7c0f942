import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '@devops/testkit';
import { lastLine, startLibrary, type Library } from './helpers';

const MAIN = path.join(__dirname, '../dist/main.js');

/** The real CLI as a child process (what the CI job runs), asynchronously so the double keeps serving. */
function runProcess(env: Record<string, string>, args: string[] = [], cwd = tempDir()) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env, cwd, timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('node apps/lib-tagger/dist/main.js [slow]', () => {
  let lib: Library;
  beforeEach(async () => {
    lib = await startLibrary();
  });
  afterEach(() => lib.close());

  it('exit 0 and the tag on the last line of stdout; the dotenv report written', async () => {
    lib.gitlab.addTag(lib.projectId, { name: 'v1.2.9', ref: lib.commit('base') });
    lib.gitlab.addTag(lib.projectId, { name: 'v1.2.10', ref: lib.commit('base 2') });
    const sha = lib.commit('fix: child');
    const cwd = tempDir();
    const run = await runProcess(lib.env(sha, { LIB_TAGGER_DOTENV: 'lib-tagger.env' }), [], cwd);
    expect(run.code).toBe(0);
    expect(lastLine(run.stdout)).toBe('v1.2.11');
    expect(run.stderr).toContain('created tag v1.2.11');
    expect(readFileSync(path.join(cwd, 'lib-tagger.env'), 'utf8')).toBe(
      'LIB_TAGGER_TAG=v1.2.11\nLIB_TAGGER_PREVIOUS=v1.2.10\n',
    );
    expect(lib.gitlab.state(lib.projectId).tags.find((t) => t.name === 'v1.2.11')?.commitId).toBe(sha);
  });

  it('exit 0 with "skipped" off the default branch', async () => {
    const run = await runProcess(lib.env(lib.commit('x'), { CI_COMMIT_BRANCH: 'dev' }));
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('skipped');
  });

  it('exit 2 when the Go module path forbids the tag', async () => {
    lib.gitlab.addTag(lib.projectId, { name: 'v1.0.0', ref: lib.commit('base') });
    const sha = lib.commit('feat!: v2', { 'go.mod': 'module example.com/lib\n' });
    const run = await runProcess(lib.env(sha, { LIB_TAGGER_BUMP: 'conventional' }));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('module example.com/lib/v2');
    expect(lib.gitlab.state(lib.projectId).tags.map((t) => t.name)).toEqual(['v1.0.0']);
  });

  it('exit 1 for a bad token, without the token in the output', async () => {
    const token = 'glpat-wrong-wrong-wrong-42';
    const run = await runProcess(lib.env(lib.commit('x'), { GITLAB_TOKEN: token }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('GITLAB_TOKEN');
    expect(run.stderr + run.stdout).not.toContain(token);
  });

  it('exit 78 naming every missing setting', async () => {
    const run = await runProcess({ PATH: process.env.PATH ?? '' });
    expect(run.code).toBe(78);
    for (const v of ['GITLAB_URL', 'GITLAB_TOKEN', 'CI_PROJECT_ID', 'CI_COMMIT_SHA', 'CI_DEFAULT_BRANCH']) {
      expect(run.stderr).toContain(v);
    }
  });
});
