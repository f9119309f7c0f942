import { MR_AUTHOR, startHarness, type Harness } from './start-harness';
import { createWorld, expectOn } from './board-world';

/**
 * Cross-project references act with the merge request author's rights (SPEC, board-sync): acme/server is the
 * MR's project, acme/client another one; MR_AUTHOR (user 51) is the author of every payload.
 */
let h: Harness;
afterEach(async () => {
  await h?.close();
});

const memberReads = () => h.gitlab.requests.filter((r) => /\/members\/all\/\d+$/.test(r.path));
const leftAloneLog = (issue: string) =>
  h.logLines.filter(
    (l) =>
      l.level === 'warn' &&
      String(l.message).includes(`${issue} left alone`) &&
      String(l.message).includes('may not edit issues'),
  );

describe("board-sync: references to other projects act with the author's rights", () => {
  it("a non-member's reference to another project moves nothing there; its own project's issue still moves", async () => {
    h = await startHarness();
    const w = createWorld(h);
    const secret = h.gitlab.addProject({ path: 'secret-group/payroll' });
    h.gitlab.addIssue(secret.id, { title: 'salaries', labels: ['bug', 'To Do'] });
    const res = await h.deliver(
      w.mr('open', {
        description: `Closes #1, secret-group/payroll#1, acme/client#1 and ${h.gitlab.url}/acme/client/-/issues/2`,
      }),
    );
    expect(res.status).toBe(202);
    expectOn(w.labels(w.server.id, 1), 'In Review');
    expect(h.gitlab.state(secret.id).issues[0]!.labels).toEqual(['bug', 'To Do']);
    expect(w.labels(w.client.id, 1)).toEqual(['bug', 'To Do']);
    expect(w.labels(w.client.id, 2)).toEqual(['bug', 'To Do']);
    // Not even read: the issues of projects the author cannot edit are never fetched.
    expect(h.gitlab.requests.filter((r) => /payroll\/issues|client\/issues/.test(r.path))).toEqual([]);
    expect(h.issueUpdates()).toHaveLength(1);
    expect(leftAloneLog('secret-group/payroll#1')).toHaveLength(1);
    expect(leftAloneLog('acme/client#1')).toHaveLength(1);
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/^board_sync_issues_left_alone_total\{reason="not_permitted"[^}]*\} 3$/m);
  });

  it.each<[string, number, boolean]>([
    ['Reporter', 20, true],
    ['Planner', 15, true],
    ['Maintainer', 40, true],
    ['Guest', 10, false],
    ['Minimal access', 5, false],
  ])('a direct member with %s (access_level %i): moves %s', async (_role, accessLevel, moves) => {
    h = await startHarness();
    const w = createWorld(h);
    h.gitlab.addProjectMember(w.client.id, { user: MR_AUTHOR, accessLevel });
    await h.deliver(w.mr('open', { description: 'Implements client#1' }));
    if (moves) expectOn(w.labels(w.client.id, 1), 'In Review');
    else expect(w.labels(w.client.id, 1)).toEqual(['bug', 'To Do']);
    expect(leftAloneLog('acme/client#1')).toHaveLength(moves ? 0 : 1);
  });

  it('a member through the group (inherited) moves it; a member of another project does not', async () => {
    h = await startHarness();
    const w = createWorld(h);
    const other = h.gitlab.addProject({ path: 'other/tools' });
    h.gitlab.addIssue(other.id, { title: 't', labels: ['bug', 'To Do'] });
    h.gitlab.addProjectMember(w.server.id, { user: MR_AUTHOR, accessLevel: 40 });
    h.gitlab.addGroupMember('acme', { user: MR_AUTHOR, accessLevel: 20 });
    await h.deliver(w.mr('open', { description: 'Implements acme/client#2 and other/tools#1' }));
    expectOn(w.labels(w.client.id, 2), 'In Review');
    expect(h.gitlab.state(other.id).issues[0]!.labels).toEqual(['bug', 'To Do']);
  });

  it('a blocked author moves nothing outside the project, whatever the role', async () => {
    h = await startHarness();
    const w = createWorld(h);
    h.gitlab.addProjectMember(w.client.id, { user: MR_AUTHOR, accessLevel: 30, userState: 'blocked' });
    await h.deliver(w.mr('open', { description: 'Implements client#1' }));
    expect(w.labels(w.client.id, 1)).toEqual(['bug', 'To Do']);
  });

  it("a fork MR by a non-member moves its target project's issues (description and branch) and nothing else", async () => {
    h = await startHarness();
    const w = createWorld(h);
    const fork = h.gitlab.addProject({ path: 'mallory/server' });
    h.gitlab.addIssue(fork.id, { title: 'f', labels: ['bug', 'To Do'] });
    await h.deliver(
      w.mr('open', {
        sourceProjectId: fork.id,
        authorId: 666,
        sourceBranch: '3-fix',
        description: 'Fixes #1, acme/client#1 and acme/client#2',
      }),
    );
    // `#1` and the branch `3-fix` are issues of the target project acme/server, as GitLab resolves them.
    expectOn(w.labels(w.server.id, 1), 'In Review');
    expectOn(w.labels(w.server.id, 3), 'In Review');
    expect(w.labels(w.client.id, 1)).toEqual(['bug', 'To Do']);
    expect(w.labels(w.client.id, 2)).toEqual(['bug', 'To Do']);
    expect(h.gitlab.state(fork.id).issues[0]!.labels).toEqual(['bug', 'To Do']);
    expect(memberReads().map((r) => r.path)).toEqual(['/api/v4/projects/acme%2Fclient/members/all/666']);
  });

  it("a payload without author_id moves only its own project's issues", async () => {
    h = await startHarness();
    const w = createWorld(h);
    h.gitlab.addProjectMember(w.client.id, { user: MR_AUTHOR, accessLevel: 50 });
    const payload = w.mr('open', { description: 'Fixes #1 and client#1' }) as {
      object_attributes: Record<string, unknown>;
    };
    delete payload.object_attributes.author_id;
    await h.deliver(payload);
    expectOn(w.labels(w.server.id, 1), 'In Review');
    expect(w.labels(w.client.id, 1)).toEqual(['bug', 'To Do']);
    expect(memberReads()).toEqual([]);
  });

  it.each<[string, Parameters<Harness['gitlab']['injectFault']>[0]]>([
    ['GitLab down (connection reset)', { status: 'network', times: 8 }],
    ['GitLab answering 503', { status: 503, times: 8 }],
    ['GitLab rate-limiting (429, Retry-After: 0)', { status: 429, retryAfter: 0, times: 8 }],
  ])('%s while the membership is read: retried, then moved (the event is not lost)', async (_name, fault) => {
    h = await startHarness();
    const w = createWorld(h);
    h.gitlab.addProjectMember(w.client.id, { user: MR_AUTHOR, accessLevel: 20 });
    h.gitlab.injectFault({ ...fault, method: 'GET', path: /\/members\/all\/51$/ });
    const res = await h.deliver(w.mr('open', { description: 'Implements client#1' }));
    expect(res.status).toBe(202);
    expectOn(w.labels(w.client.id, 1), 'In Review');
    expect(h.issueUpdates()).toHaveLength(1);
    // Every fault was served (more than the client's own retries), then the one answer that counted.
    expect(memberReads().filter((r) => r.fault)).toHaveLength(8);
    expect(memberReads().filter((r) => r.status === 200)).toHaveLength(1);
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).not.toMatch(/^gitlab_webhook_dead_letters(\{[^}]*\})? [1-9]/m);
  });

  it('keeps the answer for a while: a second event by the same author reads the membership no more', async () => {
    h = await startHarness();
    const w = createWorld(h);
    h.gitlab.addProjectMember(w.client.id, { user: MR_AUTHOR, accessLevel: 20 });
    await h.deliver(w.mr('open', { description: 'Implements client#1' }));
    await h.deliver(w.mr('merge', { description: 'Implements client#1 and client#2' }));
    expectOn(w.labels(w.client.id, 1), 'Test');
    expectOn(w.labels(w.client.id, 2), 'Test');
    expect(memberReads()).toHaveLength(1);
  });
});
