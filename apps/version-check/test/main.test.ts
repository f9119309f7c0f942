import path from 'node:path';
import { startGitLabDouble, type GitLabDouble } from '@devops/testkit';
import { spawnWebhookService, waitFor, type SpawnedService } from '@devops/webhook-harness';
import { mergeRequestPayload } from './start-harness';

let gitlab: GitLabDouble | undefined;
let service: SpawnedService | undefined;
afterEach(async () => {
  await service?.cleanup();
  await gitlab?.close();
});

describe('node dist/main.js', () => {
  it('[slow] serves the webhook, opens the thread, and exits 0 on SIGTERM', async () => {
    gitlab = await startGitLabDouble();
    const project = gitlab.addProject({ path: 'product/server' });
    gitlab.addCommit(project.id, { branch: 'release/5.4', message: 'a', files: { VERSION: '5.4.0\n' } });
    gitlab.addCommit(project.id, { branch: 'hotfix', message: 'b', files: { VERSION: '5.3.1\n' } });
    const mr = gitlab.addMergeRequest(project.id, {
      title: 'x',
      sourceBranch: 'hotfix',
      targetBranch: 'release/5.4',
    });
    service = await spawnWebhookService({
      service: 'version-check',
      mainJs: path.join(__dirname, '../dist/main.js'),
      gitlab,
      env: { PATH: process.env.PATH ?? '' },
    });

    const res = await gitlab.sendWebhook(`${service.url}/webhooks/gitlab`, {
      event: 'Merge Request Hook',
      token: service.secret,
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

    expect(await service.stop()).toBe(0);
    expect(service.output()).not.toContain(service.secret);
    expect(service.output()).not.toContain(gitlab.token);
  });
});
