import {
  mergeRequestPayload,
  pushPayload,
  startHarness,
  type Harness,
  type MrPayloadInput,
} from './start-harness';

const BOARD = ['To Do', 'In Development', 'In Review', 'Test', 'Testing'];

let h: Harness;
afterEach(async () => {
  await h?.close();
});

interface World {
  server: { id: number; path: string };
  client: { id: number; path: string };
  labels(project: number, iid: number): string[];
  mr(action: MrPayloadInput['action'], extra?: Partial<MrPayloadInput>): object;
}

/**
 * acme/server (where the MR lives) and acme/client, each with issues #1..#3
 * carrying `labels[i]` (plus a `bug` label that must survive every move).
 */
function world(
  opts: { serverLabels?: string[][]; clientLabels?: string[][]; closed?: number[] } = {},
): World {
  const server = h.gitlab.addProject({ path: 'acme/server', defaultBranch: 'main' });
  const client = h.gitlab.addProject({ path: 'acme/client', defaultBranch: 'main' });
  const seed = (project: number, labels: string[][] | undefined) => {
    for (let i = 0; i < 3; i++) {
      h.gitlab.addIssue(project, {
        title: `issue ${i + 1}`,
        labels: ['bug', ...(labels?.[i] ?? ['To Do'])],
        state: project === server.id && opts.closed?.includes(i + 1) ? 'closed' : 'opened',
      });
    }
  };
  seed(server.id, opts.serverLabels);
  seed(client.id, opts.clientLabels);
  return {
    server,
    client,
    labels: (project, iid) => h.gitlab.state(project).issues.find((i) => i.iid === iid)!.labels,
    mr: (action, extra = {}) =>
      mergeRequestPayload({
        action,
        projectId: server.id,
        projectPath: server.path,
        iid: 1,
        title: 'Login page',
        description: 'Closes #1',
        sourceBranch: 'login',
        ...extra,
      }),
  };
}

/** The issue's workflow labels and the rest, for readable assertions. */
function expectOn(labels: string[], column: string, board: string[] = BOARD) {
  expect(labels.filter((l) => board.includes(l))).toEqual([column]);
  expect(labels).toContain('bug');
}

describe('board-sync merge request transitions', () => {
  it('open moves every referenced issue (title, description, URL, other project, branch) to In Review', async () => {
    h = await startHarness();
    const w = world({
      serverLabels: [['To Do'], ['In Development'], []],
      clientLabels: [['To Do'], ['To Do']],
    });
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

  it('an issue GitLab refuses (403) is logged and skipped; the others still move', async () => {
    h = await startHarness();
    const w = world();
    h.gitlab.injectFault({ status: 403, times: 1, method: 'PUT', path: /\/issues\/1$/ });
    await h.deliver(w.mr('open', { description: 'Closes #1 and #2' }));
    expect(w.labels(w.server.id, 1)).toEqual(['bug', 'To Do']);
    expectOn(w.labels(w.server.id, 2), 'In Review');
    expect(h.logLines.some((l) => l.level === 'error' && String(l.message).includes('acme/server#1'))).toBe(
      true,
    );
  });

  it('a repeated delivery makes no issue update at all', async () => {
    h = await startHarness();
    const w = world({ serverLabels: [['In Review']], clientLabels: [['In Review']] });
    const payload = w.mr('merge', { description: 'Closes #1 and acme/client#1' });
    await h.deliver(payload);
    expectOn(w.labels(w.server.id, 1), 'Test');
    expectOn(w.labels(w.client.id, 1), 'Test');
    h.gitlab.clearRequests();
    // Resent by GitLab under a new Idempotency-Key: the handler runs again against GitLab's state.
    const res = await h.deliver(payload);
    expect(res.status).toBe(202);
    expect(h.gitlab.requests.filter((r) => r.method === 'PUT')).toEqual([]);
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/^board_sync_issues_left_alone_total\{reason="already_there"[^}]*\} 2$/m);
    expect(h.gitlab.requests.filter((r) => r.method === 'GET').length).toBeGreaterThan(0);
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
