import type { DiscussionRecord } from '@devops/testkit';
import { mergeRequestPayload, startHarness, type Harness } from './start-harness';

const MARKER = '<!-- version-check:';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

interface Scenario {
  projectId: number;
  iid: number;
  /** The Merge Request Hook payload for `action` on this MR. */
  payload(action: string, extra?: { oldrev?: string; changes?: Record<string, unknown> }): object;
  /** The version-check threads on the MR (the double's live state). */
  threads(): DiscussionRecord[];
}

/** product/server with release/5.3 (5.3.2) and release/5.4 (5.4.0), and an MR feature/login → `target`. */
function scenario(
  opts: { sourceVersion?: string | null; target?: string; sourceBranch?: string } = {},
): Scenario {
  const project = h.gitlab.addProject({ path: 'product/server', defaultBranch: 'main' });
  h.gitlab.addCommit(project.id, { branch: 'main', message: 'init', files: { VERSION: '6.0.0\n' } });
  h.gitlab.addCommit(project.id, { branch: 'release/5.3', message: '5.3.2', files: { VERSION: '5.3.2\n' } });
  h.gitlab.addCommit(project.id, { branch: 'release/5.4', message: '5.4.0', files: { VERSION: '5.4.0\n' } });
  const sourceBranch = opts.sourceBranch ?? 'feature/login';
  const sourceVersion = opts.sourceVersion === undefined ? '5.3.2' : opts.sourceVersion;
  h.gitlab.addCommit(project.id, {
    branch: sourceBranch,
    message: 'login',
    files:
      sourceVersion === null
        ? { 'login.go': 'package login\n' }
        : { VERSION: `${sourceVersion}\n`, 'login.go': '' },
  });
  const target = opts.target ?? 'release/5.4';
  const mr = h.gitlab.addMergeRequest(project.id, { title: 'Login', sourceBranch, targetBranch: target });
  return {
    projectId: project.id,
    iid: mr.iid,
    payload: (action, extra = {}) =>
      mergeRequestPayload({
        action,
        projectId: project.id,
        projectPath: project.path,
        iid: mr.iid,
        sourceBranch,
        targetBranch: mr.targetBranch,
        ...extra,
      }),
    threads: () => mr.discussions.filter((d) => d.notes[0]?.body.includes(MARKER)),
  };
}

describe('version-check through the receiver into the GitLab double', () => {
  it('opens one resolvable thread naming both versions and branches on a mismatch', async () => {
    h = await startHarness();
    const s = scenario();
    const res = await h.deliver(s.payload('open'));
    expect(res.status).toBe(202);
    const threads = s.threads();
    expect(threads).toHaveLength(1);
    const note = threads[0]!.notes[0]!;
    expect(note.resolvable).toBe(true);
    expect(note.resolved).toBe(false);
    for (const text of [
      '5.3.2',
      '5.4.0',
      'feature/login',
      'release/5.4',
      'resolve this thread',
      'target branch',
    ]) {
      expect(note.body.toLowerCase()).toContain(text.toLowerCase());
    }
    expect(note.body).toContain(`${MARKER} source=5.3.2 target=5.4.0 -->`);
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/^version_check_threads_total\{action="opened"[^}]*\} 1$/m);
    expect(metrics).toMatch(/^version_check_checks_total\{result="mismatch"[^}]*\} 1$/m);
  });

  it('posts nothing when the versions agree at the minor level', async () => {
    h = await startHarness();
    const s = scenario({ sourceVersion: '5.4.7' });
    await h.deliver(s.payload('open'));
    expect(s.threads()).toHaveLength(0);
  });

  it('the same delivery twice (same Idempotency-Key, and resent with a new one) gives one thread', async () => {
    h = await startHarness();
    const s = scenario();
    const payload = s.payload('open');
    expect((await h.deliver(payload, { idempotencyKey: 'key-1' })).status).toBe(202);
    const again = await h.deliver(payload, { idempotencyKey: 'key-1' });
    expect(again.status).toBe(202);
    expect(await again.json()).toMatchObject({ duplicate: true });
    // GitLab fires the event again under a new key (e.g. after a timeout): the handler itself must not repost.
    expect((await h.deliver(payload, { idempotencyKey: 'key-2' })).status).toBe(202);
    expect(s.threads()).toHaveLength(1);
  });

  it('checks on reopen', async () => {
    h = await startHarness();
    const s = scenario();
    await h.deliver(s.payload('reopen'));
    expect(s.threads()).toHaveLength(1);
  });

  it('does not repost a thread a person resolved when new code is pushed', async () => {
    h = await startHarness();
    const s = scenario();
    await h.deliver(s.payload('open'));
    const [thread] = s.threads();
    await h.port.resolveMergeRequestDiscussion(s.projectId, s.iid, thread!.id, true);
    // A new patch on the same release line is still the same pair (5.3 → 5.4 at the minor level).
    h.gitlab.addCommit(s.projectId, {
      branch: 'feature/login',
      message: 'more',
      files: { VERSION: '5.3.3\n' },
    });
    await h.deliver(s.payload('update', { oldrev: 'a'.repeat(40) }));
    const threads = s.threads();
    expect(threads).toHaveLength(1);
    expect(threads[0]!.notes[0]!.resolved).toBe(true);
  });

  it('opens a new thread for a new pair of versions and resolves the outdated open one', async () => {
    h = await startHarness();
    const s = scenario();
    await h.deliver(s.payload('open'));
    h.gitlab.addCommit(s.projectId, {
      branch: 'feature/login',
      message: 'rebase',
      files: { VERSION: '5.2.9\n' },
    });
    await h.deliver(s.payload('update', { oldrev: 'b'.repeat(40) }));
    const threads = s.threads();
    expect(threads).toHaveLength(2);
    expect(threads[0]!.notes[0]!.body).toContain('source=5.3.2 target=5.4.0');
    expect(threads[0]!.notes[0]!.resolved).toBe(true);
    expect(threads[1]!.notes[0]!.body).toContain('source=5.2.9 target=5.4.0');
    expect(threads[1]!.notes[0]!.resolved).toBe(false);
  });

  it('resolves its open thread when new code makes the versions match again', async () => {
    h = await startHarness();
    const s = scenario();
    await h.deliver(s.payload('open'));
    expect(s.threads()[0]!.notes[0]!.resolved).toBe(false);
    h.gitlab.addCommit(s.projectId, {
      branch: 'feature/login',
      message: 'bump',
      files: { VERSION: '5.4.1\n' },
    });
    await h.deliver(s.payload('update', { oldrev: 'c'.repeat(40) }));
    const threads = s.threads();
    expect(threads).toHaveLength(1);
    expect(threads[0]!.notes[0]!.resolved).toBe(true);
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/^version_check_threads_total\{action="resolved"[^}]*\} 1$/m);
  });

  it('resolves its open thread when the MR is retargeted to the right release line', async () => {
    h = await startHarness();
    const s = scenario();
    await h.deliver(s.payload('open'));
    const mr = h.gitlab.state(s.projectId).mergeRequests.find((m) => m.iid === s.iid)!;
    mr.targetBranch = 'release/5.3';
    await h.deliver(
      s.payload('update', {
        changes: { target_branch: { previous: 'release/5.4', current: 'release/5.3' } },
      }),
    );
    const threads = s.threads();
    expect(threads).toHaveLength(1);
    expect(threads[0]!.notes[0]!.resolved).toBe(true);
  });

  it('reads the source version from the fork for a merge request from a fork', async () => {
    h = await startHarness();
    // Upstream has a feature/login at 5.4.0 too: reading it there instead of the fork would see no mismatch.
    const s = scenario({ sourceVersion: '5.4.0' });
    const fork = h.gitlab.addProject({ path: 'alice/server', defaultBranch: 'main' });
    h.gitlab.addCommit(fork.id, { branch: 'feature/login', message: 'fork', files: { VERSION: '5.3.2\n' } });
    const mr = h.gitlab.state(s.projectId).mergeRequests.find((m) => m.iid === s.iid)!;
    mr.sourceProjectId = fork.id;
    const payload = mergeRequestPayload({
      action: 'open',
      projectId: s.projectId,
      projectPath: 'product/server',
      iid: s.iid,
      sourceBranch: 'feature/login',
      targetBranch: 'release/5.4',
      sourceProjectId: fork.id,
    });
    await h.deliver(payload);
    const threads = s.threads();
    expect(threads).toHaveLength(1);
    expect(threads[0]!.notes[0]!.body).toContain('source=5.3.2 target=5.4.0');
    expect(
      h.gitlab.requests.some((r) => r.path.startsWith(`/api/v4/projects/${fork.id}/repository/files/`)),
    ).toBe(true);
  });

  it('posts no thread and logs a warning when a branch has no version file', async () => {
    h = await startHarness();
    const s = scenario({ sourceVersion: null, sourceBranch: 'feature/no-version' });
    const res = await h.deliver(s.payload('open'));
    expect(res.status).toBe(202);
    expect(h.gitlab.state(s.projectId).mergeRequests[0]!.discussions).toHaveLength(0);
    const warning = h.logLines.find(
      (l) => l.level === 'warn' && String(l.message).includes('feature/no-version'),
    );
    expect(warning?.message).toContain('VERSION');
  });

  it('an update that only changed the title is ignored without reading any file', async () => {
    h = await startHarness();
    const s = scenario();
    h.gitlab.clearRequests();
    const res = await h.deliver(
      s.payload('update', { changes: { title: { previous: 'Login', current: 'Login page' } } }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ignored: expect.stringContaining('update') });
    expect(h.gitlab.requests.filter((r) => r.path.includes('/repository/files/'))).toEqual([]);
    expect(h.gitlab.requests).toEqual([]);
    expect(s.threads()).toHaveLength(0);
  });

  it('a wrong secret is answered 401 and nothing happens', async () => {
    h = await startHarness();
    const s = scenario();
    h.gitlab.clearRequests();
    const res = await h.deliver(s.payload('open'), { token: 'not-the-secret' });
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain('hook-secret');
    expect(h.gitlab.requests).toEqual([]);
    expect(s.threads()).toHaveLength(0);
  });

  it('retries after GitLab answers 503 and still opens exactly one thread', async () => {
    h = await startHarness();
    const s = scenario();
    h.gitlab.injectFault({ status: 503, times: 4, method: 'POST', path: /\/discussions$/ });
    await h.deliver(s.payload('open'));
    expect(s.threads()).toHaveLength(1);
  });

  it('reads a package.json with VERSION_FILE and VERSION_PATTERN', async () => {
    h = await startHarness({ VERSION_FILE: 'package.json', VERSION_PATTERN: '"version"\\s*:\\s*"([^"]+)"' });
    const project = h.gitlab.addProject({ path: 'web/app', defaultBranch: 'main' });
    const pkg = (v: string) =>
      JSON.stringify({ name: 'app', engines: { node: '20.0.0' }, version: v }, null, 2);
    h.gitlab.addCommit(project.id, {
      branch: 'release/2.1',
      message: 'x',
      files: { 'package.json': pkg('2.1.4') },
    });
    h.gitlab.addCommit(project.id, { branch: 'fix', message: 'y', files: { 'package.json': pkg('2.0.9') } });
    const mr = h.gitlab.addMergeRequest(project.id, {
      title: 'Fix',
      sourceBranch: 'fix',
      targetBranch: 'release/2.1',
    });
    await h.deliver(
      mergeRequestPayload({
        action: 'open',
        projectId: project.id,
        projectPath: project.path,
        iid: mr.iid,
        sourceBranch: 'fix',
        targetBranch: 'release/2.1',
      }),
    );
    expect(mr.discussions).toHaveLength(1);
    expect(mr.discussions[0]!.notes[0]!.body).toContain('source=2.0.9 target=2.1.4');
  });
});
