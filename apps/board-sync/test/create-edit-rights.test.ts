import { createGitLab, type GitLabPort } from '@devops/gitlab';
import { createLogger } from '@devops/logger';
import { startGitLabDouble, type GitLabDouble } from '@devops/testkit';
import { createEditRights } from '../src/rights/create-edit-rights';

/** The rights check and its cache, through the real client against the GitLab double, on a hand-moved clock. */
let gitlab: GitLabDouble;
let port: GitLabPort;
let now: number;
beforeEach(async () => {
  gitlab = await startGitLabDouble();
  port = createGitLab({
    url: gitlab.url,
    token: gitlab.token,
    log: createLogger({ service: 'test', level: 'error' }),
    retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 },
  });
  now = 1_000_000;
});
afterEach(() => gitlab.close());

const reads = () => gitlab.requests.filter((r) => r.path.includes('/members/all/')).length;

it('keeps an answer for ttlMs per project and user, then asks GitLab again (a role change takes effect)', async () => {
  const app = gitlab.addProject({ path: 'acme/app' });
  const rights = createEditRights({ ttlMs: 60_000, now: () => now });
  expect(await rights.mayEditIssues(port, 'acme/app', 7)).toBe(false);
  gitlab.addProjectMember(app.id, { user: { id: 7, username: 'u7' }, accessLevel: 20 });
  now += 59_000;
  expect(await rights.mayEditIssues(port, 'ACME/App', 7)).toBe(false); // same project, kept answer
  expect(reads()).toBe(1);
  now += 1_000;
  expect(await rights.mayEditIssues(port, 'acme/app', 7)).toBe(true);
  expect(await rights.mayEditIssues(port, 'acme/app', 8)).toBe(false); // another user: its own question
  expect(reads()).toBe(3);
});

it('shares one request between concurrent questions and does not keep a failure', async () => {
  const app = gitlab.addProject({ path: 'acme/app' });
  gitlab.addProjectMember(app.id, { user: { id: 7, username: 'u7' }, accessLevel: 15 });
  const rights = createEditRights({ now: () => now });
  const answers = await Promise.all([1, 2, 3].map(() => rights.mayEditIssues(port, app.id, 7)));
  expect(answers).toEqual([true, true, true]);
  expect(reads()).toBe(1);

  const other = gitlab.addProject({ path: 'acme/other' });
  gitlab.addProjectMember(other.id, { user: { id: 7, username: 'u7' }, accessLevel: 30 });
  gitlab.injectFault({ status: 503, times: 2, path: /acme%2Fother\/members\/all\/7$/ });
  await expect(rights.mayEditIssues(port, 'acme/other', 7)).rejects.toThrow(/503/);
  expect(await rights.mayEditIssues(port, 'acme/other', 7)).toBe(true);
});

it('holds at most maxEntries answers, dropping the oldest', async () => {
  const app = gitlab.addProject({ path: 'acme/app' });
  const rights = createEditRights({ maxEntries: 2, now: () => now });
  for (const user of [1, 2, 3]) await rights.mayEditIssues(port, app.id, user);
  expect(reads()).toBe(3);
  await rights.mayEditIssues(port, app.id, 3); // kept
  expect(reads()).toBe(3);
  await rights.mayEditIssues(port, app.id, 1); // dropped when 3 came: asked again
  expect(reads()).toBe(4);
});
