import {
  externalLoads,
  htmlComments,
  liveMentions,
  quickActions,
  rawHtml,
  visibleText,
} from '@devops/testkit';
import { mergeRequestPayload, startHarness, type Harness } from './start-harness';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

// Branch names are chosen by whoever pushes; git allows all of these.
const hostileBranches = ['fix/``@all``', 'a`b``c/@root', '@all', 'hotfix/<!--x-->', '`/close`'];

/** Issue 22's inputs that git allows in a branch name: each acts in GitLab when posted raw. */
const asGitLabReads = [
  'fix/](@all)',
  'x](@root)',
  'café@all',
  'Жа@root',
  '日本@security-team/leads',
  '<details>',
  '<!--',
];

describe("issue 22's branch names act when posted raw", () => {
  it.each(asGitLabReads)('%j', (branch) => {
    const acts = [...liveMentions(branch), ...rawHtml(branch), ...externalLoads(branch)];
    expect(acts.length).toBeGreaterThan(0);
  });
});

describe('version-check quotes branch names as text', () => {
  // Жа@root and 日本@… (characters above U+00FF) once never finished: the GitLab double answered the
  // raw-file read 500 (Node refused X-Gitlab-Ref), so the port retried it as temporary for a day.
  it.each([...hostileBranches, ...asGitLabReads])(
    'source branch %j: the thread does nothing in GitLab and names it as written',
    async (branch) => {
      h = await startHarness();
      const project = h.gitlab.addProject({ path: 'product/server' });
      h.gitlab.addCommit(project.id, {
        branch: 'release/5.4',
        message: '5.4.0',
        files: { VERSION: '5.4.0\n' },
      });
      h.gitlab.addCommit(project.id, { branch, message: 'x', files: { VERSION: '5.3.1\n' } });
      const mr = h.gitlab.addMergeRequest(project.id, {
        title: 'x',
        sourceBranch: branch,
        targetBranch: 'release/5.4',
      });
      const res = await h.deliver(
        mergeRequestPayload({
          action: 'open',
          projectId: project.id,
          projectPath: project.path,
          iid: mr.iid,
          sourceBranch: branch,
          targetBranch: 'release/5.4',
        }),
      );
      expect(res.status).toBe(202);
      expect(mr.discussions).toHaveLength(1);
      const body = mr.discussions[0]!.notes[0]!.body;
      expect(quickActions(body)).toEqual([]);
      expect(liveMentions(body)).toEqual([]);
      expect(htmlComments(body)).toEqual(['<!-- version-check: source=5.3.1 target=5.4.0 -->']);
      expect(rawHtml(body)).toEqual(['<!-- version-check: source=5.3.1 target=5.4.0 -->']);
      expect(externalLoads(body)).toEqual([]);
      expect(visibleText(body)).toContain(branch);
    },
  );

  it('a marker quoted in a human reply is not taken for the service thread', async () => {
    h = await startHarness();
    const project = h.gitlab.addProject({ path: 'product/server' });
    h.gitlab.addCommit(project.id, {
      branch: 'release/5.4',
      message: '5.4.0',
      files: { VERSION: '5.4.0\n' },
    });
    h.gitlab.addCommit(project.id, { branch: 'hotfix', message: 'x', files: { VERSION: '5.3.1\n' } });
    const mr = h.gitlab.addMergeRequest(project.id, {
      title: 'x',
      sourceBranch: 'hotfix',
      targetBranch: 'release/5.4',
    });
    // Someone pastes the marker, inside a code block, in a thread of their own.
    const res = await fetch(
      `${h.gitlab.url}/api/v4/projects/${project.id}/merge_requests/${mr.iid}/discussions`,
      {
        method: 'POST',
        headers: { 'PRIVATE-TOKEN': h.gitlab.token, 'Content-Type': 'application/json' },
        body: JSON.stringify({ body: 'look:\n```\n<!-- version-check: source=5.3.1 target=5.4.0 -->\n```' }),
      },
    );
    expect(res.status).toBe(201);
    await h.deliver(
      mergeRequestPayload({
        action: 'open',
        projectId: project.id,
        projectPath: project.path,
        iid: mr.iid,
        sourceBranch: 'hotfix',
        targetBranch: 'release/5.4',
      }),
    );
    expect(mr.discussions.map((d) => d.id)).toHaveLength(2);
  });
});
