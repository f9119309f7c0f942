import { MR_AUTHOR, pushPayload, startHarness, type Harness, type MrPayloadInput } from './start-harness';
import { createWorld, expectOn, type World } from './board-world';

let h: Harness;
afterEach(async () => {
  await h?.close();
});
const world = (opts?: Parameters<typeof createWorld>[1]) => createWorld(h, opts);

describe('board-sync leaves issues alone', () => {
  it.each<[string, MrPayloadInput['action'], string[]]>([
    ['already there (open)', 'open', ['In Review']],
    ['backwards (open on an issue in Test)', 'open', ['Test']],
    ['backwards (merge on an issue in Testing)', 'merge', ['Testing']],
    ['backwards (draft open on an issue in In Review)', 'open', ['In Review']],
  ])('%s', async (_name, action, labels) => {
    h = await startHarness();
    const w = world({ serverLabels: [labels] });
    const draft = _name.includes('draft');
    await h.deliver(w.mr(action, draft ? { draft: true, title: 'Draft: x' } : {}));
    expect(w.labels(w.server.id, 1)).toEqual(['bug', ...labels]);
    expect(h.issueUpdates()).toEqual([]);
  });

  it('closed issues', async () => {
    h = await startHarness({ BOARD_ON_CLOSE: 'To Do' });
    const w = world({ serverLabels: [['In Review']], closed: [1] });
    await h.deliver(w.mr('merge'));
    await h.deliver(w.mr('close'));
    expect(w.labels(w.server.id, 1)).toEqual(['bug', 'In Review']);
    expect(h.issueUpdates()).toEqual([]);
  });

  it('issues that do not exist, while moving the ones that do', async () => {
    h = await startHarness();
    const w = world();
    await h.deliver(w.mr('open', { description: 'Fixes #99, acme/nowhere#1 and #2' }));
    expectOn(w.labels(w.server.id, 2), 'In Review');
    expect(h.issueUpdates()).toHaveLength(1);
    expect(h.logLines.some((l) => l.level === 'warn' && String(l.message).includes('acme/server#99'))).toBe(
      true,
    );
  });

  it('an issue GitLab refuses (403): the others still move, and the event is dead-lettered for the operator', async () => {
    h = await startHarness();
    const w = world();
    h.gitlab.injectFault({ status: 403, times: 1, method: 'PUT', path: /\/issues\/1$/ });
    await h.deliver(w.mr('open', { description: 'Closes #1 and #2' }));
    expect(w.labels(w.server.id, 1)).toEqual(['bug', 'To Do']);
    expectOn(w.labels(w.server.id, 2), 'In Review');
    expect(h.logLines.some((l) => l.level === 'error' && String(l.message).includes('acme/server#1'))).toBe(
      true,
    );
    // Not swallowed: one dead letter waits, naming the refused issue; the event was tried once.
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/^gitlab_webhook_dead_letters(\{[^}]*\})? 1$/m);
    expect(h.gitlab.requests.filter((r) => r.method === 'PUT' && r.status === 403)).toHaveLength(1);
    expect(
      h.logLines.some(
        (l) => String(l.message).includes('dead-lettered') && String(l.message).includes('acme/server#1'),
      ),
    ).toBe(true);
  });

  it('a repeated delivery makes no issue update at all', async () => {
    h = await startHarness();
    const w = world({ serverLabels: [['In Review']], clientLabels: [['In Review']] });
    h.gitlab.addProjectMember(w.client.id, { user: MR_AUTHOR, accessLevel: 30 });
    const payload = w.mr('merge', { description: 'Closes #1 and acme/client#1' });
    await h.deliver(payload);
    expectOn(w.labels(w.server.id, 1), 'Test');
    expectOn(w.labels(w.client.id, 1), 'Test');
    h.gitlab.clearRequests();
    // Resent by GitLab under a new Idempotency-Key: its change (this MR merged) is recorded as applied
    // (@devops/catch-up's change keys), so the handler does not run again: nothing read, nothing written.
    const res = await h.deliver(payload);
    expect(res.status).toBe(202);
    expect(h.gitlab.requests.filter((r) => r.method === 'PUT')).toEqual([]);
    expect(h.gitlab.requests.filter((r) => r.path.includes('/issues/'))).toEqual([]);
    expectOn(w.labels(w.server.id, 1), 'Test');
  });

  it('a wrong secret is answered 401 and nothing moves', async () => {
    h = await startHarness();
    const w = world();
    h.gitlab.clearRequests();
    const res = await h.deliver(w.mr('open'), { token: 'wrong' });
    expect(res.status).toBe(401);
    expect(h.gitlab.requests).toEqual([]);
    expect(w.labels(w.server.id, 1)).toEqual(['bug', 'To Do']);
  });

  it('retries after GitLab answers 503 and ends with the issue moved once', async () => {
    h = await startHarness();
    const w = world();
    h.gitlab.injectFault({ status: 503, times: 5, method: 'PUT', path: /\/issues\/1$/ });
    await h.deliver(w.mr('open'));
    expectOn(w.labels(w.server.id, 1), 'In Review');
    expect(h.issueUpdates()).toHaveLength(1);
  });
});

describe('board-sync branch creation', () => {
  const push = (w: World, branch: string, before?: string) =>
    h.deliver(
      pushPayload({
        projectId: w.server.id,
        projectPath: w.server.path,
        branch,
        ...(before ? { before } : {}),
      }),
      {
        event: 'Push Hook',
      },
    );

  it.each([['feature/2-export-pdf'], ['2-export-pdf'], ['users/ann/2-x']])(
    'a new branch %s moves issue 2 to In Development',
    async (branch) => {
      h = await startHarness();
      const w = world();
      expect((await push(w, branch)).status).toBe(202);
      expectOn(w.labels(w.server.id, 2), 'In Development');
      expectOn(w.labels(w.server.id, 1), 'To Do');
    },
  );

  it('may move an issue back (work on it restarted)', async () => {
    h = await startHarness();
    const w = world({ serverLabels: [[], ['Test']] });
    await push(w, 'fix/2-again');
    expectOn(w.labels(w.server.id, 2), 'In Development');
  });

  it.each<[string, string, string | undefined, Record<string, string>]>([
    ['a push to an existing branch', '2-x', 'a'.repeat(40), {}],
    ['a branch that names no issue', 'feature/login', undefined, {}],
    ['BOARD_ON_BRANCH empty', '2-x', undefined, { BOARD_ON_BRANCH: '' }],
  ])('ignores %s', async (_name, branch, before, env) => {
    h = await startHarness(env);
    const w = world();
    const res = await push(w, branch, before);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ignored: expect.any(String) });
    expect(h.issueUpdates()).toEqual([]);
    expectOn(w.labels(w.server.id, 2), 'To Do');
  });
});
