import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGitLabDouble, type GitLabDouble } from '@devops/testkit';
import { mergeRequestPayload } from './start-harness';

let gitlab: GitLabDouble | undefined;
let spoolDir: string | undefined;
afterEach(async () => {
  await gitlab?.close();
  if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
});

describe('node dist/main.js', () => {
  it('[slow] serves the webhook, opens the thread, and exits 0 on SIGTERM', async () => {
    gitlab = await startGitLabDouble();
    spoolDir = await mkdtemp(path.join(tmpdir(), 'version-check-main-'));
    const project = gitlab.addProject({ path: 'product/server' });
    gitlab.addCommit(project.id, { branch: 'release/5.4', message: 'a', files: { VERSION: '5.4.0\n' } });
    gitlab.addCommit(project.id, { branch: 'hotfix', message: 'b', files: { VERSION: '5.3.1\n' } });
    const mr = gitlab.addMergeRequest(project.id, {
      title: 'x',
      sourceBranch: 'hotfix',
      targetBranch: 'release/5.4',
    });
    const child = spawn(process.execPath, [path.join(__dirname, '../dist/main.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        GITLAB_URL: gitlab.url,
        GITLAB_TOKEN: gitlab.token,
        GITLAB_WEBHOOK_SECRET: 'main-test-secret',
        WEBHOOK_SPOOL_DIR: spoolDir,
        PORT: '0',
        HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    const port = await waitFor(() => /listening on [\d.]+:(\d+)/.exec(out)?.[1]);
    const res = await gitlab.sendWebhook(`http://127.0.0.1:${port}/webhooks/gitlab`, {
      event: 'Merge Request Hook',
      token: 'main-test-secret',
      payload: mergeRequestPayload({
        action: 'open',
        projectId: project.id,
        projectPath: project.path,
        iid: mr.iid,
        sourceBranch: 'hotfix',
        targetBranch: 'release/5.4',
      }),
    });
    expect(res.status).toBe(202);
    await waitFor(() => (mr.discussions.length > 0 ? true : undefined));
    expect(mr.discussions).toHaveLength(1);
    expect(mr.discussions[0]!.notes[0]!.body).toContain('source=5.3.1 target=5.4.0');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).not.toContain('main-test-secret');
    expect(out).not.toContain(gitlab.token);
  });
});

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}
