import { startGitLabDouble, type GitLabDouble } from '../src';

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
