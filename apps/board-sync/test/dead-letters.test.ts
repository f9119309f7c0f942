import path from 'node:path';
import { startGitLabDouble, type GitLabDouble } from '@devops/testkit';
import { spawnWebhookService, waitFor, type SpawnedService } from '@devops/webhook-harness';
import { sendMergeRequestHook } from './start-harness';

const mainJs = path.join(__dirname, '../dist/main.js');
let gitlab: GitLabDouble;
const services: SpawnedService[] = [];
afterEach(async () => {
  for (const s of services.splice(0).reverse()) await s.cleanup();
  await gitlab?.close();
});

async function start(spoolDir?: string): Promise<SpawnedService> {
  const service = await spawnWebhookService({
    service: 'board-sync',
    mainJs,
    gitlab,
    env: { PATH: process.env.PATH ?? '' },
    ...(spoolDir ? { spoolDir } : {}),
  });
  services.push(service);
  return service;
}

/** Successful label updates of one issue in the double (each is one effect in GitLab). */
const updatesOf = (projectId: number, iid: number) =>
  gitlab.requests.filter(
    (r) => r.method === 'PUT' && r.path.endsWith(`/projects/${projectId}/issues/${iid}`) && r.status === 200,
  ).length;

describe('node dist/main.js dead-letters, beside the running service', () => {
  it('[slow] a 409 is dead-lettered at once, later events go on, and a replay is processed exactly once, also across a restart', async () => {
    gitlab = await startGitLabDouble();
    const project = gitlab.addProject({ path: 'acme/server' });
    gitlab.addIssue(project.id, { title: 'one', labels: ['To Do'] });
    gitlab.addIssue(project.id, { title: 'two', labels: ['To Do'] });
    gitlab.addIssue(project.id, { title: 'three', labels: ['To Do'] });
    const service = await start();
    const deliver = (iid: number, title: string) =>
      sendMergeRequestHook(gitlab, service, {
        action: 'open',
        projectId: project.id,
        projectPath: project.path,
        iid,
        title,
        sourceBranch: `feature-${iid}`,
      });
    const labels = (i: number) => gitlab.state(project.id).issues[i]!.labels;

    // GitLab answers the first update of issue #1 with 409: not temporary, dead-lettered at once.
    gitlab.injectFault({ status: 409, times: 1, method: 'PUT', path: /\/issues\/1$/ });
    expect((await deliver(11, 'Fixes #1')).status).toBe(202);
    expect((await deliver(12, 'Fixes #2')).status).toBe(202); // same project, right behind it
    await waitFor(() => (labels(1).includes('In Review') ? true : undefined));
    expect(labels(0)).toEqual(['To Do']);

    const listed = await service.run(['dead-letters', 'list', '--json']);
    expect(listed.code).toBe(0);
    const letters = JSON.parse(listed.stdout) as Array<{ id: string; attempts: number; error: string }>;
    expect(letters).toHaveLength(1);
    expect(letters[0]!.attempts).toBe(1);
    expect(letters[0]!.error).toContain('ConflictError');
    const { id } = letters[0]!;

    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/^gitlab_webhook_dead_letters\{[^}]*\} 1$/m);

    const shown = await service.run(['dead-letters', 'show', id]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Fixes #1');
    expect(shown.stdout).not.toContain(gitlab.token);
    expect((await service.run(['dead-letters', 'show', 'no-such-id'])).code).toBe(1);
    expect((await service.run(['dead-letters', 'replay'])).code).toBe(78);

    // The fault is gone (GitLab "fixed"): the operator replays; the running service picks it up.
    const replayed = await service.run(['dead-letters', 'replay', id, '--json']);
    expect(replayed.code).toBe(0);
    expect(JSON.parse(replayed.stdout)).toEqual({ replayed: [id], refused: [] });
    await waitFor(() => (labels(0).includes('In Review') ? true : undefined));
    expect(labels(0)).toEqual(['In Review']);
    expect(JSON.parse((await service.run(['dead-letters', 'list', '--json'])).stdout)).toEqual([]);
    expect((await service.run(['dead-letters', 'replay', id])).code).toBe(1);
    expect(await service.stop()).toBe(0);

    // After a restart on the same spool the replayed event is not processed a second time.
    const again = await start(service.spoolDir);
    const res = await sendMergeRequestHook(gitlab, again, {
      action: 'open',
      projectId: project.id,
      projectPath: project.path,
      iid: 13,
      title: 'Fixes #3',
      sourceBranch: 'feature-13',
    });
    expect(res.status).toBe(202);
    await waitFor(() => (labels(2).includes('In Review') ? true : undefined));
    expect(updatesOf(project.id, 1)).toBe(1);
    expect(updatesOf(project.id, 2)).toBe(1);
    // The handler is idempotent, so GitLab's state alone would not show a second run: the services' own
    // records do (each processed event is counted and logged; a replayed one says so).
    // (The counter moves once the event is recorded as finished, just after GitLab saw its update.)
    const processed = /^gitlab_webhook_events_processed_total\{[^}]*\} (\d+)$/m;
    const after = await waitFor(
      async () => {
        const text = await (await fetch(`${again.url}/metrics`)).text();
        return processed.test(text) ? text : undefined;
      },
      10_000,
      'the processed counter in /metrics',
    );
    expect(processed.exec(after)?.[1]).toBe('1');
    expect(service.output().match(/event \(replayed\)/g)).toHaveLength(1);
    expect(again.output()).not.toContain('(replayed)');
    expect(await again.stop()).toBe(0);
    expect(again.output()).not.toContain(gitlab.token);
  }, 60_000);
});
