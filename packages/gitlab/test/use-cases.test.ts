import { ConflictError } from '@devops/errors';
import type { GitLabDouble } from '@devops/testkit';
import type { GitLabPort } from '../src';
import { setup } from './helpers';

let gitlab: GitLabDouble;
let client: GitLabPort;
beforeEach(async () => ({ gitlab, client } = await setup()));
afterEach(() => gitlab.close());

describe('repository', () => {
  it('reads a raw file at a branch, tag and sha, by URL-encoded project path', async () => {
    const p = gitlab.addProject({ path: 'group/sub/lib' });
    const first = gitlab.addCommit(p.id, {
      branch: 'main',
      message: 'one',
      files: { 'go.mod': 'module a\n' },
    });
    gitlab.addTag(p.id, { name: 'v1.0.0', ref: first });
    gitlab.addCommit(p.id, {
      branch: 'main',
      message: 'two',
      files: { 'go.mod': 'module b\n', 'dir/x.txt': 'x' },
    });

    expect(await client.readFile('group/sub/lib', 'go.mod', 'main')).toBe('module b\n');
    expect(await client.readFile('group/sub/lib', 'go.mod', 'v1.0.0')).toBe('module a\n');
    expect(await client.readFile(p.id, 'go.mod', first)).toBe('module a\n');
    expect(await client.readFile(p.id, 'dir/x.txt', 'main')).toBe('x');
    expect(gitlab.requests.map((r) => r.path)).toContain(
      '/api/v4/projects/group%2Fsub%2Flib/repository/files/go.mod/raw',
    );
  });

  it('returns null for a missing file and for a missing ref', async () => {
    const p = gitlab.addProject({ path: 'g/lib' });
    gitlab.addCommit(p.id, { branch: 'main', message: 'one', files: { 'a.txt': 'a' } });
    expect(await client.readFile(p.id, 'missing.txt', 'main')).toBeNull();
    expect(await client.readFile(p.id, 'a.txt', 'no-such-branch')).toBeNull();
  });

  it('gets a project and a commit', async () => {
    const p = gitlab.addProject({ path: 'g/app', defaultBranch: 'trunk' });
    const sha = gitlab.addCommit(p.id, { branch: 'trunk', message: 'feat: x\n\nbody' });
    const project = await client.getProject('g/app');
    expect(project).toEqual({
      id: p.id,
      pathWithNamespace: 'g/app',
      defaultBranch: 'trunk',
      webUrl: `${gitlab.url}/g/app`,
    });
    const commit = await client.getCommit(p.id, sha);
    expect(commit).toEqual({
      id: sha,
      shortId: sha.slice(0, 8),
      title: 'feat: x',
      message: 'feat: x\n\nbody',
    });
  });
});

describe('tags', () => {
  it('creates an annotated tag whose target is the tag object, not the commit', async () => {
    const p = gitlab.addProject({ path: 'g/lib' });
    const sha = gitlab.addCommit(p.id, { branch: 'main', message: 'one' });
    const tag = await client.createTag(p.id, { name: 'v1.2.3', ref: sha, message: 'release 1.2.3' });
    expect(tag.commitId).toBe(sha);
    expect(tag.target).not.toBe(sha);
    expect(tag.message).toBe('release 1.2.3');
    expect(gitlab.state(p.id).tags.map((t) => t.name)).toEqual(['v1.2.3']);
    const light = await client.createTag(p.id, { name: 'v1.2.4', ref: 'main' });
    expect(light).toEqual({ name: 'v1.2.4', target: sha, commitId: sha, message: null });
  });

  it('recognises "Tag … already exists" (GitLab answers 400) as a ConflictError, without retrying', async () => {
    const p = gitlab.addProject({ path: 'g/lib' });
    const sha = gitlab.addCommit(p.id, { branch: 'main', message: 'one' });
    gitlab.addTag(p.id, { name: 'v1.0.0', ref: sha });
    gitlab.clearRequests();
    const err = await client.createTag(p.id, { name: 'v1.0.0', ref: sha }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toContain('Tag v1.0.0 already exists');
    expect(gitlab.requests).toHaveLength(1);
  });

  it('gets a tag, or null when it does not exist', async () => {
    const p = gitlab.addProject({ path: 'g/lib' });
    const sha = gitlab.addCommit(p.id, { branch: 'main', message: 'one' });
    gitlab.addTag(p.id, { name: 'release/1.0', ref: sha, message: 'm' });
    expect(await client.getTag(p.id, 'release/1.0')).toMatchObject({
      name: 'release/1.0',
      commitId: sha,
      message: 'm',
    });
    expect(await client.getTag(p.id, 'v9')).toBeNull();
  });
});

describe('issues', () => {
  it('edits labels and state in one PUT; add_labels creates missing labels', async () => {
    const p = gitlab.addProject({ path: 'g/app' });
    const issue = await client.createIssue('g/app', {
      title: 'Bug',
      description: 'd',
      labels: ['bug', 'workflow::ready'],
    });
    gitlab.clearRequests();
    const edited = await client.editIssue(p.id, issue.iid, {
      addLabels: ['workflow::in review', 'brand-new'],
      removeLabels: ['bug'],
      stateEvent: 'close',
    });
    expect(gitlab.requests.map((r) => r.method)).toEqual(['PUT']);
    expect(edited.state).toBe('closed');
    // scoped label replaced its scope sibling
    expect(edited.labels.sort()).toEqual(['brand-new', 'workflow::in review']);
    expect(gitlab.state(p.id).labels.map((l) => l.name)).toContain('brand-new');
  });
});
