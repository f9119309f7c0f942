import path from 'node:path';
import { startGitLabDouble, type GitLabDouble } from '@devops/testkit';
import { spawnWebhookService, waitFor, type SpawnedService } from '@devops/webhook-harness';
import { sendMergeRequestHook } from './start-harness';

const mainJs = path.join(__dirname, '../dist/main.js');
let gitlab: GitLabDouble | undefined;
const services: SpawnedService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.cleanup();
  await gitlab?.close();
});

describe('SIGTERM while a queued event waits out a 120 s Retry-After', () => {
  it('[slow] exits 0 well within 30 s; after a restart without the fault the event is processed once', async () => {
    gitlab = await startGitLabDouble();
    const project = gitlab.addProject({ path: 'acme/server' });
    gitlab.addIssue(project.id, { title: 'x', labels: ['To Do'] });
    // Every GitLab call of the event is refused with GitLab's own 429 and a two-minute Retry-After.
    gitlab.injectFault({ status: 429, retryAfter: 120, times: Infinity, path: '/api/v4/projects' });
    const env = { PATH: process.env.PATH ?? '' };
    const first = await spawnWebhookService({ service: 'board-sync', mainJs, gitlab, env });
    services.push(first);

    const res = await sendMergeRequestHook(gitlab, first, {
      action: 'open',
      projectId: project.id,
      projectPath: project.path,
      iid: 1,
      title: 'Fixes #1',
      sourceBranch: 'x',
    });
    expect(res.status).toBe(202);
    // The port got the 429 and is waiting it out.
    await waitFor(() => (/retrying in \d+ ms/.test(first.output()) ? true : undefined), 15_000);

    const signalled = Date.now();
    expect(await first.stop()).toBe(0);
    const tookMs = Date.now() - signalled;
    // SPEC: exit 0 within 30 s (Kubernetes' grace period), so nowhere near the 120 s wait.
    expect(tookMs).toBeLessThan(30_000);
    expect(gitlab.state(project.id).issues[0]!.labels).toEqual(['To Do']);

    // Restart on the same spool, GitLab answering again: the event runs, once.
    gitlab.clearFaults();
    gitlab.clearRequests();
    const second = await spawnWebhookService({
      service: 'board-sync',
      mainJs,
      gitlab,
      env,
      spoolDir: first.spoolDir,
    });
    services.push(second);
    await waitFor(() =>
      gitlab!.state(project.id).issues[0]!.labels.includes('In Review') ? true : undefined,
    );
    expect(await second.stop()).toBe(0);
    expect(gitlab.state(project.id).issues[0]!.labels).toEqual(['In Review']);
    const labelWrites = gitlab.requests.filter(
      (r) => r.method === 'PUT' && !r.fault && /\/issues\/1$/.test(r.path),
    );
    expect(labelWrites).toHaveLength(1);
    expect(first.output() + second.output()).not.toContain(gitlab.token);
  });
});
