import { startFreshdeskDouble, startGitLabDouble, type FreshdeskDouble, type GitLabDouble } from '../src';

// Each test closes its own double (close() rejecting is what is under test); afterEach only stops what a
// failed test left running.
const open: Array<{ close(): Promise<void> }> = [];
afterEach(() => Promise.allSettled(open.splice(0).map((d) => d.close())));

const basic = (key: string) => `Basic ${Buffer.from(`${key}:X`).toString('base64')}`;

async function answer(res: Response): Promise<{ status: number; body: unknown }> {
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : '' };
}

describe('GitLab double: a request for a route it does not implement', () => {
  let gitlab: GitLabDouble;
  let projectId: number;
  const call = (method: string, path: string, token: string | undefined = gitlab.token) =>
    fetch(`${gitlab.url}/api/v4${path}`, { method, headers: token ? { 'PRIVATE-TOKEN': token } : {} });

  beforeEach(async () => {
    gitlab = await startGitLabDouble();
    open.push(gitlab);
    projectId = gitlab.addProject({ path: 'group/app' }).id;
    gitlab.addIssue(projectId, { title: 'one' });
  });

  it("is answered as GitLab's catch-all does, recorded without its query, and makes close() reject naming it", async () => {
    const route = `/projects/${projectId}/pipelines`;
    // GitLab's `route :any, '*path'` answers before any authentication: the same with a wrong or no token
    expect(await answer(await call('GET', `${route}?private_token=SECRET-IN-QUERY`))).toEqual({
      status: 404,
      body: { error: '404 Not Found' },
    });
    expect(await answer(await call('GET', route, undefined))).toEqual({
      status: 404,
      body: { error: '404 Not Found' },
    });
    // a path the double serves for other verbs only: Grape's 405 with Allow
    const del = await call('DELETE', `/projects/${projectId}/issues/1`);
    expect(del.headers.get('allow')).toBe('GET, PUT, HEAD, OPTIONS');
    expect(await answer(del)).toEqual({ status: 405, body: { error: '405 Not Allowed' } });

    expect(gitlab.unknownRequests()).toEqual([
      { method: 'GET', path: `/api/v4${route}` },
      { method: 'GET', path: `/api/v4${route}` },
      { method: 'DELETE', path: `/api/v4/projects/${projectId}/issues/1` },
    ]);
    expect(gitlab.requests.map((r) => r.unknownRoute ?? false)).toEqual([true, true, true]);

    const closing = gitlab.close();
    await expect(closing).rejects.toThrow(
      `The GitLab double got 3 request(s) for routes it does not implement (answered as the real API answers ` +
        `an unknown route): GET /api/v4${route} (×2), DELETE /api/v4/projects/${projectId}/issues/1.`,
    );
    await expect(closing).rejects.toThrow(/allowUnknownRoutes/);
    await expect(closing).rejects.not.toThrow(/SECRET-IN-QUERY/);
    // the double is stopped all the same
    await expect(fetch(`${gitlab.url}/api/v4/projects/${projectId}`)).rejects.toThrow();
  });

  it('is recorded even when an injected fault answers it', async () => {
    gitlab.injectFault({ status: 503, times: Infinity });
    expect((await call('POST', `/projects/${projectId}/pipeline`)).status).toBe(503);
    expect(gitlab.unknownRequests()).toEqual([
      { method: 'POST', path: `/api/v4/projects/${projectId}/pipeline` },
    ]);
    await expect(gitlab.close()).rejects.toThrow(`POST /api/v4/projects/${projectId}/pipeline`);
  });

  it('a known route for a missing object is a plain 404, not recorded: close() resolves', async () => {
    expect(await answer(await call('GET', '/projects/999'))).toEqual({
      status: 404,
      body: { message: '404 Project Not Found' },
    });
    expect(await answer(await call('GET', `/projects/${projectId}/issues/999`))).toEqual({
      status: 404,
      body: { message: '404 Not found' },
    });
    expect(await answer(await call('GET', `/projects/group%2Fmissing/merge_requests/1`))).toEqual({
      status: 404,
      body: { message: '404 Project Not Found' },
    });
    // a known route without the token stays a 401, not an unknown route
    expect((await call('GET', `/projects/${projectId}`, 'wrong')).status).toBe(401);
    expect(gitlab.unknownRequests()).toEqual([]);
    expect(gitlab.requests.some((r) => r.unknownRoute)).toBe(false);
    await expect(gitlab.close()).resolves.toBeUndefined();
  });

  it('allowUnknownRoutes: still answered and listed, close() resolves; onUnknownRequest sees each', async () => {
    await gitlab.close();
    const seen: unknown[] = [];
    // this test sends an unknown route on purpose: it checks the opt-out itself
    gitlab = await startGitLabDouble({ allowUnknownRoutes: true, onUnknownRequest: (r) => seen.push(r) });
    open.push(gitlab);
    expect((await call('GET', '/metadata')).status).toBe(404);
    expect(gitlab.unknownRequests()).toEqual([{ method: 'GET', path: '/api/v4/metadata' }]);
    expect(seen).toEqual([{ method: 'GET', path: '/api/v4/metadata' }]);
    await expect(gitlab.close()).resolves.toBeUndefined();
  });
});

describe('Freshdesk double: a request for a route it does not implement', () => {
  let fd: FreshdeskDouble;
  let ticketId: number;
  const call = (method: string, path: string, base = fd.url) =>
    fetch(`${base}${path}`, { method, headers: base === fd.url ? { Authorization: basic(fd.apiKey) } : {} });

  beforeEach(async () => {
    fd = await startFreshdeskDouble();
    open.push(fd);
    ticketId = fd.addTicket({ subject: 'one' }).id;
  });

  it('is answered 404/405 as Freshdesk does, recorded, and makes close() reject naming it', async () => {
    expect(await answer(await call('GET', '/api/v2/contacts?email=a@example.com'))).toEqual({
      status: 404,
      body: '',
    });
    const del = await call('DELETE', `/api/v2/tickets/${ticketId}`);
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, PUT');
    const attachment = fd.addConversation(ticketId, { attachments: [{ name: 'a.txt', content: 'x' }] })
      .attachments[0]!;
    const put = await fetch(attachment.url, { method: 'PUT', body: 'y' });
    expect(put.status).toBe(405);

    const attachmentPath = new URL(attachment.url).pathname;
    expect(fd.unknownRequests()).toEqual([
      { method: 'GET', path: '/api/v2/contacts' },
      { method: 'DELETE', path: `/api/v2/tickets/${ticketId}` },
      { method: 'PUT', path: attachmentPath },
    ]);
    await expect(fd.close()).rejects.toThrow(
      `The Freshdesk double got 3 request(s) for routes it does not implement (answered as the real API answers ` +
        `an unknown route): GET /api/v2/contacts, DELETE /api/v2/tickets/${ticketId}, PUT ${attachmentPath}.`,
    );
  });

  it('a missing ticket or attachment is a plain 404/403, not recorded: close() resolves', async () => {
    expect((await call('GET', '/api/v2/tickets/999')).status).toBe(404);
    expect((await call('GET', '/api/v2/tickets/999/conversations')).status).toBe(404);
    expect(
      (await call('GET', '/data/helpdesk/attachments/production/999/original/a.txt', fd.attachmentsUrl))
        .status,
    ).toBe(403);
    expect(fd.unknownRequests()).toEqual([]);
    await expect(fd.close()).resolves.toBeUndefined();
  });
});
