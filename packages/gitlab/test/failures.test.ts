import { ConflictError, NotFoundError, PermanentError, TemporaryError } from '@devops/errors';
import { freePort, startGitLabDouble, type GitLabDouble } from '@devops/testkit';
import { createGitLab, type GitLabPort } from '../src';
import { fakeClock } from '@devops/testkit';
import { captureLog, setup } from './helpers';

let gitlab: GitLabDouble;
let client: GitLabPort;
let lines: string[];
let clock: ReturnType<typeof fakeClock>;
let projectId: number;
beforeEach(async () => {
  ({ gitlab, client, lines, clock } = await setup());
  projectId = gitlab.addProject({ path: 'group/app' }).id;
});
afterEach(() => gitlab.close());

const projectGets = () =>
  gitlab.requests.filter((r) => r.method === 'GET' && r.path === '/api/v4/projects/group%2Fapp');

describe('temporary failures are retried', () => {
  it('waits at least Retry-After after a 429, then succeeds', async () => {
    gitlab.injectFault({ status: 429, retryAfter: 30, times: 1 });
    const project = await client.getProject('group/app');
    expect(project.id).toBe(projectId);
    expect(clock.slept).toHaveLength(1);
    expect(clock.slept[0]).toBeGreaterThanOrEqual(30_000);
    expect(clock.slept[0]).toBeLessThan(30_000 + 5); // plus less than one base step of jitter
    expect(projectGets().map((r) => r.status)).toEqual([429, 200]);
  });

  it('waits out a 429 with only RateLimit-Reset (a GitLab application limit) as long as it says, then posts', async () => {
    const issue = gitlab.addIssue(projectId, { title: 't' });
    // notes refused until the window resets 42 s from now (on the clock the double and the client share)
    gitlab.injectFault({ rateLimitReset: 42, times: Infinity, method: 'POST', path: /\/notes$/ });
    await client.createIssueNote(projectId, issue.iid, 'after the window');
    const posts = gitlab.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.status)).toEqual([429, 201]);
    expect(clock.slept).toHaveLength(1);
    expect(clock.slept[0]).toBeGreaterThanOrEqual(42_000);
    expect(clock.slept[0]).toBeLessThan(42_000 + 5);
    expect(gitlab.state(projectId).issues[0]?.notes.map((n) => n.body)).toEqual(['after the window']);
  });

  it('keeps retrying a 429 that names no wait past `retries` until the 60 s GitLab window has passed', async () => {
    const issue = gitlab.addIssue(projectId, { title: 't' });
    // a 429 with no Retry-After and no RateLimit-* (gitlab.com has answered so: gitlab-org/gitlab#365728),
    // refused until the window resets 60 s later
    gitlab.injectFault({ status: 429, times: Infinity, method: 'POST', path: /\/notes$/ });
    const start = clock.now();
    const sleep = async (ms: number) => {
      await clock.sleep(ms);
      if (clock.now() - start >= 60_000) gitlab.clearFaults();
    };
    const patient = createGitLab({
      url: gitlab.url,
      token: gitlab.token,
      log: captureLog().log,
      retry: { retries: 1, baseDelayMs: 1_000, maxDelayMs: 8_000, now: clock.now, sleep },
    });
    await patient.createIssueNote(projectId, issue.iid, 'eventually');
    expect(gitlab.state(projectId).issues[0]?.notes.map((n) => n.body)).toEqual(['eventually']);
    expect(clock.now() - start).toBeGreaterThanOrEqual(60_000);
    expect(gitlab.requests.filter((r) => r.method === 'POST').at(-1)?.status).toBe(201);
  });

  it('retries a 500 on a GET until it succeeds', async () => {
    gitlab.injectFault({ status: 500, times: 2, method: 'GET' });
    expect((await client.getProject('group/app')).id).toBe(projectId);
    expect(projectGets().map((r) => r.status)).toEqual([500, 500, 200]);
  });

  it('retries after a connection reset', async () => {
    gitlab.injectFault({ network: 'reset', times: 1 });
    expect((await client.getProject('group/app')).id).toBe(projectId);
    expect(projectGets()).toHaveLength(2);
    expect(projectGets()[0]?.fault).toBe(true);
  });

  it('gives up after the configured retries with a TemporaryError carrying the status', async () => {
    gitlab.injectFault({ status: 503, times: Infinity });
    const err = await client.getProject('group/app').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemporaryError);
    expect((err as TemporaryError).details.status).toBe(503);
    expect(projectGets()).toHaveLength(1 + 3); // first attempt + retries: 3 (helpers.ts)
    expect(lines.join('')).toContain('retrying in');
  });

  it('turns a request that exceeds the timeout into a TemporaryError, each attempt timed', async () => {
    gitlab.injectFault({ latencyMs: 1_500, times: Infinity });
    const quick = createGitLab({
      url: gitlab.url,
      token: gitlab.token,
      log: captureLog().log,
      timeoutMs: 200,
      retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 10 },
    });
    const err = await quick.getProject('group/app').catch((e: unknown) => e);
    // untimed attempts would have got the (late) answer and succeeded
    expect(err).toBeInstanceOf(TemporaryError);
    expect((err as Error).message).toMatch(/timeout/);
    expect(projectGets()).toHaveLength(2);
  });

  it('does not wait for a Retry-After longer than maxRetryAfterMs: the caller gets it', async () => {
    gitlab.injectFault({ status: 429, retryAfter: 3600, times: 1 });
    const err = await client.getProject('group/app').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemporaryError);
    expect((err as TemporaryError).details.retryAfterMs).toBe(3_600_000);
    expect(projectGets()).toHaveLength(1);
  });

  it('resends a POST after 429/503 (GitLab did nothing), but not after a 500 or reset (it may have)', async () => {
    gitlab.addCommit(projectId, { branch: 'main', message: 'one' });
    const issue = gitlab.addIssue(projectId, { title: 't' });
    const notePosts = () => gitlab.requests.filter((r) => r.method === 'POST' && /\/notes$/.test(r.path));

    gitlab.injectFault({ status: 503, times: 1, method: 'POST', path: /\/notes$/ });
    gitlab.injectFault({ status: 429, times: 1, method: 'POST', path: /\/notes$/ });
    await client.createIssueNote(projectId, issue.iid, 'first');
    expect(notePosts().map((r) => r.status)).toEqual([503, 429, 201]);

    gitlab.clearRequests();
    gitlab.injectFault({ status: 500, times: 1, method: 'POST', path: /\/notes$/ });
    await expect(client.createIssueNote(projectId, issue.iid, 'second')).rejects.toBeInstanceOf(
      TemporaryError,
    );
    expect(notePosts()).toHaveLength(1);
    expect(gitlab.state(projectId).issues[0]?.notes.map((n) => n.body)).toEqual(['first']);
  });

  it.each([504, 500])('does not resend a POST after a %i (GitLab may have done it)', async (status) => {
    const issue = gitlab.addIssue(projectId, { title: 't' });
    gitlab.injectFault({ status, times: 1, method: 'POST', path: /\/notes$/ });
    const err = await client.createIssueNote(projectId, issue.iid, 'once').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemporaryError);
    expect(gitlab.requests.filter((r) => r.method === 'POST').map((r) => r.status)).toEqual([status]);
  });

  it('resends a POST whose connection was refused: GitLab down, then back, gets the note once', async () => {
    const port = await freePort();
    const clock = fakeClock();
    let revived: GitLabDouble | undefined;
    const sleep = async (ms: number) => {
      await clock.sleep(ms);
      if (clock.slept.length < 2 || revived) return; // down for two attempts, then back on the same port
      revived = await startGitLabDouble({ port, token: gitlab.token });
      const p = revived.addProject({ path: 'group/app' });
      revived.addIssue(p.id, { title: 't' });
    };
    const c = createGitLab({
      url: `http://127.0.0.1:${port}`,
      token: gitlab.token,
      log: captureLog().log,
      retry: { retries: 4, baseDelayMs: 5, now: clock.now, sleep },
    });
    try {
      await c.createIssueNote('group/app', 1, 'after the outage');
      expect(revived!.state('group/app').issues[0]?.notes.map((n) => n.body)).toEqual(['after the outage']);
      expect(revived!.requests.map((r) => r.status)).toEqual([201]);
    } finally {
      await revived?.close();
    }
  });
});

describe('permanent failures are not retried', () => {
  it('404 -> NotFoundError, one request', async () => {
    const err = await client.getProject('group/nothing').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toContain('404 Project Not Found');
    expect(gitlab.requests).toHaveLength(1);
  });

  it('401 -> PermanentError naming GITLAB_TOKEN, one request', async () => {
    const bad = createGitLab({
      url: gitlab.url,
      token: 'glpat-wrong-token-value',
      log: captureLog().log,
      retry: { baseDelayMs: 1 },
    });
    const err = await bad.getProject('group/app').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toContain('GITLAB_TOKEN');
    expect((err as PermanentError).details.status).toBe(401);
    expect(gitlab.requests).toHaveLength(1);
  });

  it('409 "Label already exists" -> ConflictError, one request', async () => {
    gitlab.addLabel(projectId, { name: 'bug', color: '#ff0000' });
    gitlab.clearRequests();
    const err = await client
      .createLabel(projectId, { name: 'bug', color: '#00ff00' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as Error).message).toContain('Label already exists');
    expect(gitlab.requests).toHaveLength(1);
  });

  it('400 validation (note over 1,000,000 characters) -> PermanentError, nothing stored', async () => {
    const issue = gitlab.addIssue(projectId, { title: 't' });
    const err = await client
      .createIssueNote(projectId, issue.iid, 'x'.repeat(1_000_001))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toContain('is too long');
    expect(gitlab.state(projectId).issues[0]?.notes).toEqual([]);
    expect(gitlab.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});

describe('the token never leaks', () => {
  it('appears in no error message, stack, cause or log line, whatever fails', async () => {
    const token = 'glpat-SECRET-token-abc123';
    const double = await startGitLabDouble({ token });
    const { log, lines: logLines } = captureLog(); // no masking configured: the client must not log it at all
    const c = createGitLab({
      url: double.url,
      token,
      log,
      timeoutMs: 150,
      retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 },
    });
    const bad = createGitLab({ url: double.url, token: `${token}-wrong`, log, retry: { retries: 0 } });
    try {
      const p = double.addProject({ path: 'g/p' });
      double.injectFault({ status: 500, times: 2, body: { message: `echo ${token}` } });
      const errors: unknown[] = [];
      errors.push(await c.getProject('g/p').catch((e: unknown) => e)); // 500 with the token echoed back
      errors.push(await c.getProject('g/none').catch((e: unknown) => e)); // 404
      errors.push(await bad.getProject(p.id).catch((e: unknown) => e)); // 401
      double.injectFault({ network: 'reset', times: 2 });
      errors.push(await c.getProject(p.id).catch((e: unknown) => e)); // network
      double.injectFault({ latencyMs: 400, times: 2 });
      errors.push(await c.getProject(p.id).catch((e: unknown) => e)); // timeout
      expect(errors.every((e) => e instanceof Error)).toBe(true);
      for (const e of errors as Error[]) {
        const everything = [
          e.message,
          e.stack,
          JSON.stringify(e),
          JSON.stringify(e.cause ?? null),
          String(e),
        ].join('\n');
        expect(everything).not.toContain(token);
        expect(everything).not.toContain('SECRET');
      }
      expect(logLines.length).toBeGreaterThan(0);
      expect(logLines.join('')).not.toContain('SECRET');
    } finally {
      await double.close();
    }
  });
});
