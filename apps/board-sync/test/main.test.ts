import path from 'node:path';
import { startGitLabDouble, type GitLabDouble } from '@devops/testkit';
import { spawnWebhookService, waitFor, type SpawnedService } from '@devops/webhook-harness';
import { sendMergeRequestHook } from './start-harness';

let gitlab: GitLabDouble | undefined;
let service: SpawnedService | undefined;
afterEach(async () => {
  await service?.cleanup();
  await gitlab?.close();
});

describe('node dist/main.js', () => {
  it('[slow] serves the webhook, moves the issue, and exits 0 on SIGTERM', async () => {
    gitlab = await startGitLabDouble();
    const project = gitlab.addProject({ path: 'acme/server' });
    gitlab.addIssue(project.id, { title: 'x', labels: ['To Do'] });
    service = await spawnWebhookService({
      service: 'board-sync',
      mainJs: path.join(__dirname, '../dist/main.js'),
      gitlab,
      env: { PATH: process.env.PATH ?? '' },
    });

    const res = await sendMergeRequestHook(gitlab, service, {
      action: 'open',
      projectId: project.id,
      projectPath: project.path,
      iid: 1,
      title: 'Fixes #1',
      sourceBranch: 'x',
    });
    expect(res.status).toBe(202);
    await waitFor(() =>
      gitlab!.state(project.id).issues[0]!.labels.includes('In Review') ? true : undefined,
    );
    expect(gitlab.state(project.id).issues[0]!.labels).toEqual(['In Review']);

    expect(await service.stop()).toBe(0);
    expect(service.output()).not.toContain(service.secret);
    expect(service.output()).not.toContain(gitlab.token);
  });
});
