import { startGitLabDouble, type GitLabDouble } from '../src';
import { example, shapeDiff } from './shape';

/**
 * For each endpoint the double serves, its answer has the same keys and JSON types as the example in GitLab's
 * API docs (test/fixtures/gitlab-examples, copied from the shared reference notes).
 */
let gitlab: GitLabDouble;
let pid: number;
let sha: string;
beforeEach(async () => {
  gitlab = await startGitLabDouble();
  pid = gitlab.addProject({ path: 'my-group/my-project' }).id;
  sha = gitlab.addCommit(pid, {
    branch: 'main',
    message: 'Initial commit',
    files: { 'README.md': '# hi\n' },
  });
});
afterEach(() => gitlab.close());

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${gitlab.url}/api/v4${path}`, {
    method,
    headers: { 'PRIVATE-TOKEN': gitlab.token, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

// Fields the double sends that one example omits but another GitLab example shows (note `type` is in the
// discussions example; `imported`/`imported_from` in the issues list example).
const EXTRA_OK = new Set(['$.type', '$[0].type', '$[1].type', '$.imported', '$.imported_from']);
const diff = (name: string, actual: unknown) =>
  shapeDiff(example(name), actual).filter(
    (d) => !(d.endsWith(': extra') && EXTRA_OK.has(d.replace(/: extra$/, ''))),
  );

it('GET commit matches commits_get', async () => {
  const r = await call('GET', `/projects/${pid}/repository/commits/${sha}`);
  expect(r.status).toBe(200);
  expect(diff('commits_get.response', r.body)).toEqual([]);
});

it('tags: list, get, create and "already exists" match the docs', async () => {
  const created = await call('POST', `/projects/${pid}/repository/tags?tag_name=v1.0.0&ref=${sha}`);
  expect(created.status).toBe(201);
  expect(diff('tags_create.response', created.body)).toEqual([]);
  gitlab.addTag(pid, { name: 'v5.0.0', ref: sha, message: 'annotated' });
  expect(diff('tags_list.response', (await call('GET', `/projects/${pid}/repository/tags`)).body)).toEqual(
    [],
  );
  expect(
    diff('tags_get.response', (await call('GET', `/projects/${pid}/repository/tags/v5.0.0`)).body),
  ).toEqual([]);
  const exists = await call('POST', `/projects/${pid}/repository/tags?tag_name=v1.0.0&ref=${sha}`);
  expect(exists.status).toBe(400);
  expect(exists.body).toEqual(example('tags_create_exists.from_source.error'));
});

it('issues: list, create, edit match the docs; missing title is the documented 400', async () => {
  const created = await call('POST', '/projects/my-group%2Fmy-project/issues', {
    title: 'Issues with auth',
    labels: 'bug',
  });
  expect(created.status).toBe(201);
  expect(diff('issues_create.response', created.body)).toEqual([]);
  const edited = await call('PUT', `/projects/${pid}/issues/1`, { add_labels: 'x', state_event: 'close' });
  expect(edited.status).toBe(200);
  expect(diff('issues_edit.response', edited.body)).toEqual([]);
  expect(diff('issues_list_project.response', (await call('GET', `/projects/${pid}/issues`)).body)).toEqual(
    [],
  );
  const missing = await call('POST', `/projects/${pid}/issues`, { description: 'no title' });
  expect(missing.status).toBe(400);
  expect(missing.body).toEqual(example('error_400_missing_param'));
});

it('issue notes: list and create match the docs', async () => {
  gitlab.addIssue(pid, { title: 't' });
  const note = await call('POST', `/projects/${pid}/issues/1/notes`, {
    body: 'Text of the comment\r\n',
    internal: true,
  });
  expect(note.status).toBe(201);
  expect(diff('note_single.response', note.body)).toEqual([]);
  expect(
    diff('issue_notes_list.response', (await call('GET', `/projects/${pid}/issues/1/notes`)).body),
  ).toEqual([]);
});

it('MR discussions list matches the docs', async () => {
  gitlab.createBranch(pid, 'feature', sha);
  gitlab.addMergeRequest(pid, { title: 'MR', sourceBranch: 'feature' });
  await call('POST', `/projects/${pid}/merge_requests/1/discussions`, { body: 'discussion text' });
  expect(
    diff(
      'mr_discussions_list.response',
      (await call('GET', `/projects/${pid}/merge_requests/1/discussions`)).body,
    ),
  ).toEqual([]);
});

it('labels: list, create and the 409 conflict match the docs', async () => {
  const created = await call('POST', `/projects/${pid}/labels`, { name: 'feature', color: '#5843AD' });
  expect(created.status).toBe(201);
  expect(diff('labels_create.response', created.body)).toEqual([]);
  expect(diff('labels_list.response', (await call('GET', `/projects/${pid}/labels`)).body)).toEqual([]);
  const conflict = await call('POST', `/projects/${pid}/labels`, { name: 'feature', color: '#5843AD' });
  expect(conflict.status).toBe(409);
  expect(conflict.body).toEqual(example('labels_create_conflict.from_source.error'));
});

it('upload matches project_uploads_create', async () => {
  const form = new FormData();
  form.append('file', new Blob([Buffer.from('png-bytes')], { type: 'image/png' }), 'dk.png');
  const res = await fetch(`${gitlab.url}/api/v4/projects/${pid}/uploads`, {
    method: 'POST',
    headers: { 'PRIVATE-TOKEN': gitlab.token },
    body: form,
  });
  expect(res.status).toBe(201);
  const body = (await res.json()) as Record<string, string>;
  expect(diff('project_uploads_create.response', body)).toEqual([]);
  expect(body.markdown).toBe(`![dk](${body.url})`);
});
