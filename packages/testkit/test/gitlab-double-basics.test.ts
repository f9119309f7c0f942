/* eslint-disable @typescript-eslint/no-explicit-any -- untyped JSON payloads */
import { startGitLabDouble, waitFor, type GitLabDouble } from '../src';

let gitlab: GitLabDouble;
beforeEach(async () => (gitlab = await startGitLabDouble()));
afterEach(() => gitlab.close());

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${gitlab.url}/api/v4${path}`, { headers: { 'PRIVATE-TOKEN': gitlab.token, ...headers } });

it('answers 401 {"message":"401 Unauthorized"} without a valid token, and accepts Bearer', async () => {
  gitlab.addProject({ path: 'g/p' });
  const bad = await fetch(`${gitlab.url}/api/v4/projects/1`, { headers: { 'PRIVATE-TOKEN': 'nope' } });
  expect(bad.status).toBe(401);
  expect(await bad.json()).toEqual({ message: '401 Unauthorized' });
  const bearer = await fetch(`${gitlab.url}/api/v4/projects/g%2Fp`, {
    headers: { Authorization: `Bearer ${gitlab.token}` },
  });
  expect(bearer.status).toBe(200);
});

it('serves a 429 fault as plain text "Retry later" with Retry-After', async () => {
  gitlab.addProject({ path: 'g/p' });
  gitlab.injectFault({ status: 429, retryAfter: 7 });
  const r = await get('/projects/1');
  expect(r.status).toBe(429);
  expect(r.headers.get('retry-after')).toBe('7');
  expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
  expect(await r.text()).toBe('Retry later');
  expect((await get('/projects/1')).status).toBe(200);
});

it('paginates with GitLab offset headers and a link header carrying the other parameters', async () => {
  const p = gitlab.addProject({ path: 'group/sub/project' });
  for (let i = 0; i < 7; i++) gitlab.addIssue(p.id, { title: `issue ${i}`, labels: ['bug'] });
  const r = await get('/projects/group%2Fsub%2Fproject/issues?labels=bug&per_page=3&page=2');
  expect(r.status).toBe(200);
  expect((await r.json()) as unknown[]).toHaveLength(3);
  expect(
    Object.fromEntries(
      ['x-total', 'x-total-pages', 'x-page', 'x-per-page', 'x-next-page', 'x-prev-page'].map((h) => [
        h,
        r.headers.get(h),
      ]),
    ),
  ).toEqual({
    'x-total': '7',
    'x-total-pages': '3',
    'x-page': '2',
    'x-per-page': '3',
    'x-next-page': '3',
    'x-prev-page': '1',
  });
  const link = r.headers.get('link') ?? '';
  const rels = Object.fromEntries(
    [...link.matchAll(/<([^>]+)>; rel="([^"]+)"/g)].map((m) => [m[2], new URL(m[1]!)]),
  );
  expect(Object.keys(rels).sort()).toEqual(['first', 'last', 'next', 'prev']);
  expect(rels.next?.searchParams.get('page')).toBe('3');
  expect(rels.next?.searchParams.get('labels')).toBe('bug');
  expect(rels.next?.pathname).toBe('/api/v4/projects/group%2Fsub%2Fproject/issues');
  const last = await get('/projects/1/issues?per_page=3&page=3');
  expect(last.headers.get('x-next-page')).toBe('');
  expect(last.headers.get('link')).not.toContain('rel="next"');
  const capped = await get('/projects/1/issues?per_page=500');
  expect(capped.headers.get('x-per-page')).toBe('100');
  expect((await get('/projects/1/issues')).headers.get('x-per-page')).toBe('20');
});

it('searches tags with ^term and term$', async () => {
  const p = gitlab.addProject({ path: 'g/lib' });
  const sha = gitlab.addCommit(p.id, { branch: 'main', message: 'one' });
  for (const name of ['v1.0.0', 'v1.0.0-rc1', 'api/v1.0.0', 'v2.0.0'])
    gitlab.addTag(p.id, { name, ref: sha });
  const names = async (search: string) =>
    (
      (await (
        await get(`/projects/${p.id}/repository/tags?search=${encodeURIComponent(search)}`)
      ).json()) as { name: string }[]
    )
      .map((t) => t.name)
      .sort();
  expect(await names('^v1.')).toEqual(['v1.0.0', 'v1.0.0-rc1']);
  expect(await names('1.0.0$')).toEqual(['api/v1.0.0', 'v1.0.0']);
  expect(await names('rc')).toEqual(['v1.0.0-rc1']);
});

it('keeps an annotated tag target (tag object) apart from commit.id', async () => {
  const p = gitlab.addProject({ path: 'g/lib' });
  const sha = gitlab.addCommit(p.id, { branch: 'main', message: 'one' });
  gitlab.addTag(p.id, { name: 'v1', ref: sha, message: 'annotated' });
  gitlab.addTag(p.id, { name: 'v2', ref: sha });
  const v1 = (await (await get(`/projects/${p.id}/repository/tags/v1`)).json()) as Record<string, any>;
  const v2 = (await (await get(`/projects/${p.id}/repository/tags/v2`)).json()) as Record<string, any>;
  expect(v1.commit.id).toBe(sha);
  expect(v1.target).toMatch(/^[0-9a-f]{40}$/);
  expect(v1.target).not.toBe(sha);
  expect(v1.message).toBe('annotated');
  expect(v2.target).toBe(sha);
  expect(v2.message).toBeNull();
  expect(v2.created_at).toBeNull();
});

const send = (method: string, path: string, body: unknown) =>
  fetch(`${gitlab.url}/api/v4${path}`, {
    method,
    headers: { 'PRIVATE-TOKEN': gitlab.token, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

it('scoped labels replace each other within a scope; add_labels creates missing labels', async () => {
  const p = gitlab.addProject({ path: 'g/app' });
  gitlab.addIssue(p.id, { title: 't', labels: ['workflow::ready', 'priority::high', 'bug'] });
  const r = await send('PUT', `/projects/${p.id}/issues/1`, { add_labels: 'workflow::in review,team::a::x' });
  expect(r.status).toBe(200);
  expect(gitlab.state(p.id).issues[0]?.labels.sort()).toEqual([
    'bug',
    'priority::high',
    'team::a::x',
    'workflow::in review',
  ]);
  expect(gitlab.state(p.id).labels.map((l) => l.name)).toEqual(
    expect.arrayContaining(['workflow::in review', 'team::a::x']),
  );
  const empty = await send('PUT', `/projects/${p.id}/issues/1`, {});
  expect(empty.status).toBe(400);
});

it('enforces the note (1,000,000) and description (1,048,576) limits with 400s', async () => {
  const p = gitlab.addProject({ path: 'g/app' });
  gitlab.addIssue(p.id, { title: 't' });
  expect(
    (await send('POST', `/projects/${p.id}/issues/1/notes`, { body: 'x'.repeat(1_000_000) })).status,
  ).toBe(201);
  const long = await send('POST', `/projects/${p.id}/issues/1/notes`, { body: 'x'.repeat(1_000_001) });
  expect(long.status).toBe(400);
  expect(await long.json()).toEqual({ message: { note: ['is too long (maximum is 1000000 characters)'] } });
  expect(
    (await send('POST', `/projects/${p.id}/issues`, { title: 'a', description: 'y'.repeat(1_048_576) }))
      .status,
  ).toBe(201);
  expect(
    (await send('POST', `/projects/${p.id}/issues`, { title: 'b', description: 'y'.repeat(1_048_577) }))
      .status,
  ).toBe(400);
  expect(gitlab.state(p.id).issues.map((i) => i.title)).toEqual(['t', 'a']);
});

it('raw files: 404 "404 File Not Found" and "404 Commit Not Found"', async () => {
  const p = gitlab.addProject({ path: 'g/lib' });
  gitlab.addCommit(p.id, { branch: 'main', message: 'one', files: { 'src/a.go': 'package a\n' } });
  const ok = await get(`/projects/${p.id}/repository/files/src%2Fa.go/raw?ref=main`);
  expect(await ok.text()).toBe('package a\n');
  const noFile = await get(`/projects/${p.id}/repository/files/src%2Fb.go/raw?ref=main`);
  expect([noFile.status, await noFile.json()]).toEqual([404, { message: '404 File Not Found' }]);
  const noRef = await get(`/projects/${p.id}/repository/files/src%2Fa.go/raw?ref=nope`);
  expect([noRef.status, await noRef.json()]).toEqual([404, { message: '404 Commit Not Found' }]);
});

it('logs requests and serves faults only to matching requests, then recovers', async () => {
  const p = gitlab.addProject({ path: 'g/app' });
  gitlab.addIssue(p.id, { title: 't' });
  gitlab.injectFault({ status: 503, times: 2, method: 'POST', path: /\/notes$/ });
  expect((await get(`/projects/${p.id}/issues/1/notes`)).status).toBe(200);
  const statuses = [];
  for (let i = 0; i < 3; i++)
    statuses.push((await send('POST', `/projects/${p.id}/issues/1/notes`, { body: 'hi' })).status);
  expect(statuses).toEqual([503, 503, 201]);
  expect(gitlab.requests.map((r) => [r.method, r.status, r.fault ?? false])).toEqual([
    ['GET', 200, false],
    ['POST', 503, true],
    ['POST', 503, true],
    ['POST', 201, false],
  ]);
  expect(gitlab.requests[3]?.body).toEqual({ body: 'hi' });
  gitlab.injectFault({ network: 'reset' });
  await expect(get(`/projects/${p.id}`)).rejects.toThrow();
  expect((await get(`/projects/${p.id}`)).status).toBe(200);
});

it('holds requests at a barrier until the set number has arrived, then answers them all', async () => {
  const p = gitlab.addProject({ path: 'g/held' });
  gitlab.injectFault({ barrier: 2, times: 2, method: 'GET', path: /\/projects\/\d+$/ });
  const answered: string[] = [];
  const first = get(`/projects/${p.id}`).then((r) => void answered.push(`first ${r.status}`));
  // It arrived, and a later request past the barrier's path is answered: the first would have been too.
  await waitFor(
    () => gitlab.requests.some((r) => r.path === `/api/v4/projects/${p.id}`),
    5000,
    'the first to arrive',
  );
  expect((await get(`/projects/${p.id}/repository/tags`)).status).toBe(200);
  // The first is still held: only one of the two has arrived.
  expect(answered).toEqual([]);
  await Promise.all([first, get(`/projects/${p.id}`).then((r) => void answered.push(`second ${r.status}`))]);
  expect(answered.sort()).toEqual(['first 200', 'second 200']);
  // The barrier is used up: the next request is answered at once.
  expect((await get(`/projects/${p.id}`)).status).toBe(200);
});

it('sends webhooks with GitLab’s headers', async () => {
  const { createServer } = await import('node:http');
  const received: { headers: Record<string, unknown>; body: string }[] = [];
  const target = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.end();
    });
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const port = (target.address() as import('node:net').AddressInfo).port;
  try {
    const res = await gitlab.sendWebhook(`http://127.0.0.1:${port}/webhooks/gitlab`, {
      event: 'Merge Request Hook',
      token: 'hook-secret',
      payload: { object_kind: 'merge_request' },
      idempotencyKey: 'f5e5f430-f57b-4e6e-9fac-d9128cd7232f',
    });
    expect(res.status).toBe(200);
    const h = received[0]!.headers;
    expect(h['x-gitlab-event']).toBe('Merge Request Hook');
    expect(h['x-gitlab-token']).toBe('hook-secret');
    expect(h['idempotency-key']).toBe('f5e5f430-f57b-4e6e-9fac-d9128cd7232f');
    expect(h['x-gitlab-instance']).toBe(gitlab.url);
    expect(h['user-agent']).toMatch(/^GitLab\/\d+\.\d+\.\d+/);
    expect(h['x-gitlab-event-uuid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(h['x-gitlab-webhook-uuid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(h['content-type']).toBe('application/json');
    expect(JSON.parse(received[0]!.body)).toEqual({ object_kind: 'merge_request' });
  } finally {
    target.close();
  }
});
