import { startGitLabDouble, type GitLabDouble } from '@devops/testkit';
import { createGitLab, type GitLabPort } from '../src';
import { captureLog } from './helpers';

let clock = Date.parse('2026-01-01T00:00:00Z');
let gitlab: GitLabDouble;
let client: GitLabPort;
beforeEach(async () => {
  clock = Date.parse('2026-01-01T00:00:00Z');
  gitlab = await startGitLabDouble({ now: () => new Date(clock) });
  client = createGitLab({ url: gitlab.url, token: gitlab.token, log: captureLog().log, perPage: 2 });
});
afterEach(() => gitlab.close());

const hour = 3_600_000;
const lists = (path: string) => gitlab.requests.filter((r) => r.path === path);

describe('catch-up reads against the GitLab double', () => {
  it('lists a group’s merge requests (subgroups included) updated after a time, through every page', async () => {
    const a = gitlab.addProject({ path: 'acme/app' });
    const b = gitlab.addProject({ path: 'acme/tools/cli' });
    const other = gitlab.addProject({ path: 'other/x' });
    for (const p of [a, b, other]) gitlab.addMergeRequest(p.id, { title: 'old', sourceBranch: 'old' });
    clock += 2 * hour;
    const fresh = [a, b, a].map((p, i) =>
      gitlab.addMergeRequest(p.id, { title: `new ${i}`, sourceBranch: `n${i}` }),
    );
    gitlab.changes.mergeMergeRequest(b.id, 1);
    const found = await client.listMergeRequestsUpdatedAfter({ group: 'acme' }, new Date(clock - hour));
    expect(found.map((m) => `${m.projectPath}!${m.iid}:${m.state}`).sort()).toEqual(
      ['acme/app!2:opened', 'acme/app!3:opened', 'acme/tools/cli!1:merged', 'acme/tools/cli!2:opened'].sort(),
    );
    expect(found.length).toBe(fresh.length + 1);
    expect(lists('/api/v4/groups/acme/merge_requests')).toHaveLength(2); // 4 rows, 2 a page
    expect(lists('/api/v4/groups/acme/merge_requests')[0]!.query).toMatchObject({
      scope: 'all',
      state: 'all',
    });
    const one = await client.listMergeRequestsUpdatedAfter({ project: 'acme/app' }, new Date(clock - hour));
    expect(one.map((m) => m.iid).sort()).toEqual([2, 3]);
  });

  it('reads a group’s projects by activity only until the first one older than the window', async () => {
    const projects = Array.from({ length: 7 }, (_, i) => gitlab.addProject({ path: `acme/p${i}` }));
    clock += 2 * hour;
    gitlab.changes.pushBranch(projects[3]!.id, '5-fix');
    gitlab.addIssue(projects[5]!.id, { title: 'x' });
    const active = await client.listProjectsActiveAfter('acme', new Date(clock - hour));
    expect(active.map((p) => p.pathWithNamespace).sort()).toEqual(['acme/p3', 'acme/p5']);
    expect(lists('/api/v4/groups/acme/projects')).toHaveLength(2); // page 2 holds the first old one: stop
    expect((await client.getProjectActivity(projects[3]!.id)).lastActivityAt).toBe(
      new Date(clock).toISOString(),
    );
  });

  it('lists branches with their head commit dates, and issues by updated_after and labels', async () => {
    const p = gitlab.addProject({ path: 'acme/app' });
    gitlab.addCommit(p.id, { branch: 'main', message: 'init', files: { a: '1' } });
    clock += hour;
    const sha = gitlab.changes.pushBranch(p.id, '12-login');
    const branches = await client.listBranches(p.id);
    expect(branches).toEqual(
      expect.arrayContaining([
        { name: '12-login', commitId: sha, committedAt: new Date(clock).toISOString() },
      ]),
    );
    expect(branches).toHaveLength(2);
    const esc = gitlab.addIssue(p.id, { title: 'esc', labels: ['freshdesk'] });
    gitlab.addIssue(p.id, { title: 'plain' });
    clock += hour;
    gitlab.changes.closeIssue(p.id, esc.iid);
    const issues = await client.listIssuesUpdatedAfter(p.id, new Date(clock - 1000), ['freshdesk']);
    expect(issues).toEqual([
      expect.objectContaining({ iid: esc.iid, state: 'closed', closedAt: new Date(clock).toISOString() }),
    ]);
  });
});
