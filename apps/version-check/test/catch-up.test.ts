import path from 'node:path';
import { startGitLabDouble, type GitLabDouble } from '@devops/testkit';
import { spawnWebhookService, waitFor, type SpawnedService } from '@devops/webhook-harness';
import { mergeRequestPayload } from './start-harness';

const mainJs = path.join(__dirname, '../dist/main.js');
let gitlab: GitLabDouble;
let service: SpawnedService | undefined;
afterEach(async () => {
  await service?.cleanup();
  await gitlab?.close();
});

function passes(): number {
  return gitlab.requests.filter((r) => r.path === '/api/v4/groups/product/merge_requests').length;
}
async function afterPasses(n: number): Promise<void> {
  const target = passes() + n;
  await waitFor(() => (passes() >= target ? true : undefined), 30_000);
}

describe('version-check catch-up (real process, GitLab double, 1 s passes over group "product")', () => {
  beforeEach(async () => {
    gitlab = await startGitLabDouble();
  });

  async function mismatch() {
    const project = gitlab.addProject({ path: 'product/server' });
    gitlab.addCommit(project.id, { branch: 'release/5.4', message: 'a', files: { VERSION: '5.4.0\n' } });
    gitlab.addCommit(project.id, { branch: 'hotfix', message: 'b', files: { VERSION: '5.3.1\n' } });
    service = await spawnWebhookService({
      service: 'version-check',
      mainJs,
      gitlab,
      env: { PATH: process.env.PATH ?? '', RECONCILE_INTERVAL: '1', RECONCILE_SCOPE: 'product' },
    });
    const mr = gitlab.addMergeRequest(project.id, {
      title: 'x',
      sourceBranch: 'hotfix',
      targetBranch: 'release/5.4',
    });
    return { project, mr };
  }

  it('[slow] a version-mismatch MR opened with no webhook gets exactly one blocking thread after many passes', async () => {
    const { mr } = await mismatch();
    await waitFor(() => (mr.discussions.length > 0 ? true : undefined), 30_000);
    await afterPasses(4);
    expect(mr.discussions).toHaveLength(1);
    expect(mr.discussions[0]!.notes[0]!.body).toContain('source=5.3.1 target=5.4.0');
    expect(mr.discussions[0]!.notes[0]!.resolved).toBe(false);

    // A person resolves it (accepting the cross-line merge): passes never reopen it nor post again.
    for (const n of mr.discussions[0]!.notes) n.resolved = true;
    mr.updatedAt = new Date().toISOString();
    await afterPasses(3);
    expect(mr.discussions).toHaveLength(1);
    expect(mr.discussions[0]!.notes[0]!.resolved).toBe(true);
  }, 90_000);

  it('[slow] its webhook delivered while passes run: still one thread', async () => {
    const { project, mr } = await mismatch();
    const res = await gitlab.sendWebhook(`${service!.url}/webhooks/gitlab`, {
      event: 'Merge Request Hook',
      token: service!.secret,
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
    await waitFor(() => (mr.discussions.length > 0 ? true : undefined), 30_000);
    await afterPasses(4);
    expect(mr.discussions).toHaveLength(1);
  }, 90_000);
});
