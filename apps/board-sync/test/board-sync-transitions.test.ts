import { MR_AUTHOR, startHarness, type Harness } from './start-harness';
import { BOARD, createWorld, expectOn } from './board-world';

let h: Harness;
afterEach(async () => {
  await h?.close();
});
const world = (opts?: Parameters<typeof createWorld>[1]) => createWorld(h, opts);

describe('board-sync merge request transitions', () => {
  it('open moves every referenced issue (title, description, URL, other project, branch) to In Review', async () => {
    h = await startHarness();
    const w = world({
      serverLabels: [['To Do'], ['In Development'], []],
      clientLabels: [['To Do'], ['To Do']],
    });
    // The MR's author may edit issues in acme/client (board-sync-author-rights.test.ts: otherwise they stay).
    h.gitlab.addProjectMember(w.client.id, { user: MR_AUTHOR, accessLevel: 20 });
    const res = await h.deliver(
      w.mr('open', {
        title: 'Login page for #1',
        description: [
          'Implements client#1 and acme/client#1 again.',
          `See ${h.gitlab.url}/acme/client/-/work_items/2 for the design.`,
          'Not `#3` and not !3.',
        ].join('\n'),
        sourceBranch: 'feature/2-login',
      }),
    );
    expect(res.status).toBe(202);
    expectOn(w.labels(w.server.id, 1), 'In Review');
    expectOn(w.labels(w.server.id, 2), 'In Review');
    expectOn(w.labels(w.client.id, 1), 'In Review');
    expectOn(w.labels(w.client.id, 2), 'In Review');
    // Not referenced (code span, !3): untouched.
    expect(w.labels(w.server.id, 3)).toEqual(['bug']);
    expect(w.labels(w.client.id, 3)).toEqual(['bug', 'To Do']);
    // One issue update per move, adding the target and removing the others at once.
    const updates = h.issueUpdates();
    expect(updates).toHaveLength(4);
    expect(updates[0]!.body).toMatchObject({ add_labels: 'In Review' });
    expect(
      String((updates[0]!.body as Record<string, unknown>).remove_labels)
        .split(',')
        .sort(),
    ).toEqual(BOARD.filter((l) => l !== 'In Review').sort());
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/^board_sync_issue_moves_total\{label="In Review"[^}]*\} 4$/m);
  });

  it('open of a draft moves to In Development', async () => {
    h = await startHarness();
    const w = world();
    await h.deliver(w.mr('open', { title: 'Draft: Login page', draft: true }));
    expectOn(w.labels(w.server.id, 1), 'In Development');
  });

  it('reopen moves to In Review', async () => {
    h = await startHarness();
    const w = world();
    await h.deliver(w.mr('reopen'));
    expectOn(w.labels(w.server.id, 1), 'In Review');
  });

  it('an update that marks the draft ready moves to In Review', async () => {
    h = await startHarness();
    const w = world({ serverLabels: [['In Development']] });
    await h.deliver(
      w.mr('update', {
        changes: {
          draft: { previous: true, current: false },
          title: { previous: 'Draft: Login', current: 'Login' },
        },
      }),
    );
    expectOn(w.labels(w.server.id, 1), 'In Review');
  });

  it('an update whose title loses "Draft:" moves to In Review (older GitLab without changes.draft)', async () => {
    h = await startHarness();
    const w = world({ serverLabels: [['In Development']] });
    await h.deliver(w.mr('update', { changes: { title: { previous: 'Draft: Login', current: 'Login' } } }));
    expectOn(w.labels(w.server.id, 1), 'In Review');
  });

  it('any other update is ignored (200) and moves nothing', async () => {
    h = await startHarness();
    const w = world({ serverLabels: [['In Development']] });
    const res = await h.deliver(
      w.mr('update', { changes: { title: { previous: 'Login', current: 'Login page' } } }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ignored: expect.stringContaining('ready') });
    expectOn(w.labels(w.server.id, 1), 'In Development');
  });

  it('merge moves to Test', async () => {
    h = await startHarness();
    const w = world({ serverLabels: [['In Review']] });
    await h.deliver(w.mr('merge'));
    expectOn(w.labels(w.server.id, 1), 'Test');
  });

  it('close moves nothing by default (BOARD_ON_CLOSE empty)', async () => {
    h = await startHarness();
    const w = world({ serverLabels: [['In Review']] });
    const res = await h.deliver(w.mr('close'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ignored: expect.stringContaining('BOARD_ON_CLOSE') });
    expectOn(w.labels(w.server.id, 1), 'In Review');
  });

  it('close with BOARD_ON_CLOSE set moves the issue back', async () => {
    h = await startHarness({ BOARD_ON_CLOSE: 'To Do' });
    const w = world({ serverLabels: [['In Review']] });
    await h.deliver(w.mr('close'));
    expectOn(w.labels(w.server.id, 1), 'To Do');
  });

  it('works the same with scoped workflow labels', async () => {
    const scoped = BOARD.map((l) => `workflow::${l}`);
    h = await startHarness({ BOARD_LABELS: scoped.join(','), BOARD_ON_MERGE: 'Test' });
    const w = world({ serverLabels: [['workflow::In Review'], ['workflow::Testing']] });
    await h.deliver(w.mr('merge', { description: 'Closes #1 and #2' }));
    expectOn(w.labels(w.server.id, 1), 'workflow::Test', scoped);
    // Further along than Test: not moved back.
    expectOn(w.labels(w.server.id, 2), 'workflow::Testing', scoped);
  });
});
