import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { PermanentError, TemporaryError } from '@devops/errors';
import type { GitLabDouble } from '@devops/testkit';
import type { GitLabPort } from '../src';
import { setup } from './helpers';

let gitlab: GitLabDouble;
let client: GitLabPort;
let projectId: number;
let sha: string;
beforeEach(async () => {
  ({ gitlab, client } = await setup({ perPage: 10 }));
  projectId = gitlab.addProject({ path: 'group/app' }).id;
  sha = gitlab.addCommit(projectId, { branch: 'main', message: 'init', files: { 'a.txt': 'a' } });
});
afterEach(() => gitlab.close());

const pagesOf = (pattern: RegExp) =>
  gitlab.requests.filter((r) => r.method === 'GET' && pattern.test(r.path));

describe('lists go through every page', () => {
  it('tags matching ^v1. across 3+ pages', async () => {
    const expected: string[] = [];
    for (let i = 0; i < 25; i++) {
      gitlab.addTag(projectId, { name: `v1.${i}.0`, ref: sha, message: `release ${i}` });
      expected.push(`v1.${i}.0`);
      gitlab.addTag(projectId, { name: `x1.${i}.0`, ref: sha });
    }
    const tags = await client.listTags(projectId, { search: '^v1.' });
    expect(tags.map((t) => t.name).sort()).toEqual(expected.sort());
    expect(tags.every((t) => t.commitId === sha && t.target !== sha)).toBe(true);
    expect(pagesOf(/\/repository\/tags$/).length).toBe(3);
    expect(pagesOf(/\/repository\/tags$/).map((r) => r.query.search)).toEqual(['^v1.', '^v1.', '^v1.']);
  });

  it('issues filtered by labels, state and search (in title) across pages', async () => {
    const wanted: number[] = [];
    for (let i = 0; i < 100; i++) {
      const match = i % 2 === 0;
      const issue = gitlab.addIssue(projectId, {
        title: match ? `Crash report ${i}` : `Other ${i}`,
        description: 'crash in description only',
        labels: match ? ['bug', 'customer'] : ['bug'],
        state: i % 4 === 2 ? 'closed' : 'opened',
      });
      if (match && i % 4 !== 2) wanted.push(issue.iid);
    }
    const issues = await client.listIssues(projectId, {
      labels: ['bug', 'customer'],
      state: 'opened',
      search: 'crash',
      in: 'title',
    });
    expect(issues.map((i) => i.iid).sort((a, b) => a - b)).toEqual(wanted);
    expect(issues.every((i) => i.state === 'opened' && i.labels.includes('customer'))).toBe(true);
    const all = await client.listIssues(projectId, { state: 'all' });
    expect(wanted).toHaveLength(25);
    expect(all).toHaveLength(100);
    expect(pagesOf(/\/issues$/).length).toBe(3 + 10);
  });

  it('notes oldest first across pages, with the internal flag', async () => {
    const issue = gitlab.addIssue(projectId, { title: 't' });
    for (let i = 0; i < 23; i++)
      await client.createIssueNote(projectId, issue.iid, `note ${i}`, { internal: i === 5 });
    const notes = await client.listIssueNotes(projectId, issue.iid);
    expect(notes.map((n) => n.body)).toEqual(Array.from({ length: 23 }, (_, i) => `note ${i}`));
    expect(notes.filter((n) => n.internal).map((n) => n.body)).toEqual(['note 5']);
    expect(pagesOf(/\/notes$/)).toHaveLength(3);
  });

  it('labels across pages', async () => {
    for (let i = 0; i < 21; i++)
      gitlab.addLabel(projectId, { name: `l${String(i).padStart(2, '0')}`, color: '#112233' });
    const created = await client.createLabel(projectId, {
      name: 'workflow::done',
      color: '#00ff00',
      description: 'd',
    });
    expect(created).toMatchObject({ name: 'workflow::done', color: '#00ff00' });
    const labels = await client.listLabels(projectId);
    expect(labels).toHaveLength(22);
    expect(pagesOf(/\/labels$/)).toHaveLength(3);
  });
});

describe('merge requests', () => {
  it('gets an MR, its closing issues, and creates, lists and resolves discussions across pages', async () => {
    gitlab.createBranch(projectId, 'feature/3-x', sha);
    const issues = [1, 2, 3].map((n) => gitlab.addIssue(projectId, { title: `issue ${n}` }));
    const mr = gitlab.addMergeRequest(projectId, {
      title: 'Draft: feature',
      description: 'Closes #1 and fixes #3',
      sourceBranch: 'feature/3-x',
      targetBranch: 'main',
    });
    expect(await client.getMergeRequest('group/app', mr.iid)).toMatchObject({
      iid: mr.iid,
      draft: true,
      state: 'opened',
      sourceBranch: 'feature/3-x',
      targetBranch: 'main',
      sourceProjectId: projectId,
    });
    const closing = await client.listMergeRequestClosingIssues(projectId, mr.iid);
    expect(closing.map((i) => i.iid).sort()).toEqual([issues[0]!.iid, issues[2]!.iid]);

    for (let i = 0; i < 12; i++) await client.createMergeRequestDiscussion(projectId, mr.iid, `thread ${i}`);
    const threads = await client.listMergeRequestDiscussions(projectId, mr.iid);
    expect(threads.map((d) => d.notes[0]?.body)).toEqual(Array.from({ length: 12 }, (_, i) => `thread ${i}`));
    expect(threads.every((d) => d.notes[0]?.resolvable && !d.notes[0]?.resolved)).toBe(true);

    await client.resolveMergeRequestDiscussion(projectId, mr.iid, threads[4]!.id, true);
    const after = await client.listMergeRequestDiscussions(projectId, mr.iid);
    expect(after.filter((d) => d.notes[0]?.resolved).map((d) => d.id)).toEqual([threads[4]!.id]);
  });
});

describe('uploads', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'gitlab-upload-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('streams a file as multipart; GitLab stores the same bytes and returns markdown', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const file = join(dir, 'race report.png');
    await writeFile(file, bytes);
    const upload = await client.uploadFile(projectId, {
      filename: 'race-report.png',
      content: createReadStream(file),
      size: bytes.length,
      contentType: 'image/png',
    });
    const stored = gitlab.state(projectId).uploads[0]!;
    expect(stored.size).toBe(bytes.length);
    expect(stored.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(upload.url).toBe(`/uploads/${stored.secret}/race-report.png`);
    expect(upload.markdown).toBe(`![race-report](${upload.url})`);
    expect(upload.fullPath).toBe(`/-/project/${projectId}/uploads/${stored.secret}/race-report.png`);
  });

  it("an upload over GitLab's max_attachment_size is a PermanentError (413) with its message, sent once", async () => {
    gitlab.setMaxAttachmentBytes(1000);
    const err = await client
      .uploadFile(projectId, { filename: 'big.log', content: () => Readable.from([Buffer.alloc(1001)]) })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as PermanentError).details.status).toBe(413);
    expect((err as Error).message).toContain('413 Request Entity Too Large');
    expect(gitlab.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(gitlab.state(projectId).uploads).toEqual([]);
  });

  it('retries an upload opened by a function; a one-shot stream is sent once', async () => {
    const text = 'log line\n'.repeat(1000);
    gitlab.injectFault({ status: 503, times: 1, method: 'POST', path: /\/uploads$/ });
    const upload = await client.uploadFile(projectId, {
      filename: 'run.log',
      content: () => Readable.from([text]),
    });
    expect(upload.markdown).toBe(`[run.log](${upload.url})`);
    expect(gitlab.state(projectId).uploads[0]?.content?.toString()).toBe(text);

    gitlab.injectFault({ status: 503, times: 1, method: 'POST', path: /\/uploads$/ });
    await expect(
      client.uploadFile(projectId, { filename: 'once.log', content: Readable.from([text]) }),
    ).rejects.toBeInstanceOf(TemporaryError);
    expect(gitlab.state(projectId).uploads).toHaveLength(1);
  });
});
