import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readUserscript } from '../src/http/serve-userscript';
import { readJson, API_KEY, startBridge, type Bridge } from './helpers/start-bridge';
import { seedTicket } from './helpers/seed-ticket';

let b: Bridge;
afterEach(async () => {
  await b?.close();
});

describe('API keys', () => {
  it.each([
    ['a wrong key', { authorization: 'Bearer not-a-key' }],
    ['a key one character short', { authorization: `Bearer ${API_KEY.slice(0, -1)}` }],
    ['no header', {}],
    [
      'basic auth with a right key',
      { authorization: `Basic ${Buffer.from(`${API_KEY}:x`).toString('base64')}` },
    ],
    ['an empty bearer', { authorization: 'Bearer ' }],
  ])('refuses %s with 401 and writes nothing', async (_name, headers: Record<string, string>) => {
    b = await startBridge();
    const { ticket } = seedTicket(b.freshdesk, { conversations: 1 });
    const res = await fetch(`${b.url}/escalations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ ticketId: ticket.id }),
    });
    expect(res.status).toBe(401);
    expect((await readJson(res)).error).toMatch(/API key/);
    const get = await fetch(`${b.url}/escalations/${ticket.id}`, { headers });
    expect(get.status).toBe(401);
    expect(b.gitlab.requests).toEqual([]);
    expect(b.freshdesk.requests).toEqual([]);
  });

  it('accepts every configured key', async () => {
    b = await startBridge();
    const { ticket } = seedTicket(b.freshdesk, { conversations: 1 });
    expect((await b.escalate(ticket.id, { key: 'another-key-for-team-b' })).status).toBe(201);
  });
});

describe('CORS', () => {
  it('answers the Freshdesk origin’s preflight and marks its responses', async () => {
    b = await startBridge({ freshdeskUrl: 'https://acme.freshdesk.com' });
    const pre = await fetch(`${b.url}/escalations`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://acme.freshdesk.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://acme.freshdesk.com');
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase().split(/,\s*/).sort()).toEqual([
      'authorization',
      'content-type',
    ]);
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    const { ticket } = seedTicket(b.freshdesk, { conversations: 1 });
    const res = await b.escalate(ticket.id, { origin: 'https://acme.freshdesk.com' });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://acme.freshdesk.com');
    expect(res.headers.get('vary')).toMatch(/Origin/i);
  });

  it.each(['https://evil.example', 'https://other.freshdesk.com', 'http://acme.freshdesk.com'])(
    'gives %s nothing',
    async (origin) => {
      b = await startBridge({ freshdeskUrl: 'https://acme.freshdesk.com' });
      const pre = await fetch(`${b.url}/escalations`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        },
      });
      expect(pre.status).toBe(403);
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      expect(pre.headers.get('access-control-allow-headers')).toBeNull();
      const res = await fetch(`${b.url}/escalations/1`, {
        headers: { origin, authorization: `Bearer ${API_KEY}` },
      });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    },
  );
});

describe('GET /userscript.user.js', () => {
  it('serves the userscript with this bridge’s URL filled in', async () => {
    b = await startBridge();
    const res = await fetch(`${b.url}/userscript.user.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    const text = await res.text();
    const header = text.slice(text.indexOf('// ==UserScript=='), text.indexOf('// ==/UserScript==') + 18);
    expect(text.startsWith('// ==UserScript==')).toBe(true);
    const host = new URL(b.url).hostname;
    for (const line of [
      /^\/\/ @name\s+\S.*$/m,
      /^\/\/ @version\s+\d+\.\d+\.\d+$/m,
      new RegExp(
        `^// @match\\s+https://${new URL(b.config.FRESHDESK_URL).hostname.replace(/[.]/g, '\\.')}/a/tickets/\\*$`,
        'm',
      ),
      /^\/\/ @grant\s+GM_xmlhttpRequest$/m,
      /^\/\/ @grant\s+GM_getValue$/m,
      /^\/\/ @grant\s+GM_setValue$/m,
      /^\/\/ @grant\s+GM_deleteValue$/m,
      new RegExp(`^// @connect\\s+${host.replace(/\./g, '\\.')}$`, 'm'),
      new RegExp(`^// @downloadURL\\s+${b.url.replace(/[.]/g, '\\.')}/userscript\\.user\\.js$`, 'm'),
    ]) {
      expect(header).toMatch(line);
    }
    expect(text).toContain(`var BRIDGE_URL = ${JSON.stringify(b.url)};`);
    expect(text).not.toMatch(/__BRIDGE_[A-Z_]+__/);
    // One file: every part put in place (the key storage, the calls, the panel).
    expect(text).not.toMatch(/^ *\/\/ @@include /m);
    for (const fn of ['function readKey(', 'function request(', 'function showButton('])
      expect(text).toContain(fn);
    expect(() => new Function(text)).not.toThrow();
    // the key only through the manager's functions: nothing of the page's to keep or send it with
    const code = text.slice(text.indexOf('// ==/UserScript=='));
    for (const pageApi of [/localStorage/, /sessionStorage/, /\bfetch\(/, /XMLHttpRequest\(/, /unsafeWindow/])
      expect(code).not.toMatch(pageApi);
    expect(code).not.toMatch(/(window|globalThis|self)\s*(\[|\.\s*GM_)/);
    // the notes about how the file is assembled stay in the repository
    expect(text).not.toMatch(/@@include|\/\/ build:/);
  });

  it('refuses to assemble a userscript whose part is missing, naming it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'userscript-'));
    try {
      writeFileSync(path.join(dir, 'a.user.js'), '(function () {\n  // @@include gone.part.js\n})();\n');
      expect(() => readUserscript(path.join(dir, 'a.user.js'))).toThrow(/gone\.part\.js/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('secrets', () => {
  it('never puts the API keys, the GitLab token or the Freshdesk key in a response or a log line', async () => {
    b = await startBridge({ config: { BRIDGE_LINK_FIELD: 'cf_gitlab_issue' } });
    const secrets = [API_KEY, 'another-key-for-team-b', b.gitlab.token, b.freshdesk.apiKey];
    const bodies: string[] = [];
    const keep = async (res: Response) => {
      const headers: string[] = [];
      res.headers.forEach((value, name) => headers.push(`${name}: ${value}`));
      bodies.push(`${res.status} ${headers.join('\n')} ${await res.text()}`);
    };
    const { ticket } = seedTicket(b.freshdesk, {
      conversations: 3,
      ticketAttachments: [{ name: 'a.txt', content: 'a' }],
    });
    await keep(await b.escalate(ticket.id, { key: 'wrong' }));
    await keep(await b.escalate(999_999));
    b.gitlab.injectFault({ status: 500, times: 100, method: 'POST', path: /\/notes$/ });
    await keep(await b.escalate(ticket.id));
    b.gitlab.clearFaults();
    b.freshdesk.injectFault({ status: 503, times: 100, host: 'api', method: 'POST' });
    await keep(await b.escalate(ticket.id));
    b.freshdesk.clearFaults();
    await keep(await b.escalate(ticket.id));
    await keep(await b.escalate(ticket.id, { dryRun: true }));
    await keep(await fetch(`${b.url}/metrics`));
    expect(bodies.map((x) => x.slice(0, 3))).toEqual(['401', '404', '503', '503', '200', '200', '200']);
    expect(b.logs.length).toBeGreaterThan(20);
    for (const text of [...bodies, ...b.logs]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
    }
  });
});

describe('GET /escalations/:ticketId', () => {
  it('answers with the linked issue and its state read from GitLab, reused briefly (injected clock), forgotten on escalation', async () => {
    let clock = Date.parse('2024-06-01T12:00:00Z');
    b = await startBridge({ now: () => clock });
    const ticket = b.freshdesk.addTicket({ subject: 'Lookup' });
    const get = () =>
      fetch(`${b.url}/escalations/${ticket.id}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    const searches = () =>
      b.gitlab.requests.filter((r) => r.method === 'GET' && /\/issues$/.test(r.path)).length;

    expect((await get()).status).toBe(404);
    // escalating forgets the cached "not escalated"
    expect((await b.escalate(ticket.id)).status).toBe(201);
    const issue = b.gitlab.state(b.project.id).issues[0]!;
    const open = await get();
    expect(open.status).toBe(200);
    expect(await open.json()).toEqual({
      issue: {
        iid: issue.iid,
        url: `${b.gitlab.url}/${b.project.path}/-/issues/${issue.iid}`,
        state: 'open',
      },
    });

    // closed in GitLab: within the cache's 30 s the old answer, without asking GitLab again
    issue.state = 'closed';
    const before = searches();
    clock += 29_000;
    expect(((await (await get()).json()) as { issue: { state: string } }).issue.state).toBe('open');
    expect(searches()).toBe(before);
    clock += 2_000;
    expect(((await (await get()).json()) as { issue: { state: string } }).issue.state).toBe('closed');
    expect(searches()).toBe(before + 1);

    // the API key is required here too
    expect((await fetch(`${b.url}/escalations/${ticket.id}`)).status).toBe(401);
  });
});
