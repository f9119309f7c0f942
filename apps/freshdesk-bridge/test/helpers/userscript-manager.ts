import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';

const PAGE = readFileSync(path.join(__dirname, '..', 'fixtures', 'freshdesk-ticket-page.html'), 'utf8');

/** A Freshdesk-shaped agent app on loopback: every /a/... path serves the single page. */
export async function startTicketPage(tickets: Record<number, { subject: string; text: string }>) {
  const html = PAGE.replace(
    '<script>',
    `<script>window.__TICKETS__ = ${JSON.stringify(tickets)};</script>\n    <script>`,
  );
  const server = http.createServer((req, res) => {
    if (!req.url?.startsWith('/a/')) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export interface ManagerRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  data?: string;
}

/** What GM_xmlhttpRequest hands the script: a status and text, or a network failure / timeout. */
type ManagerAnswer = { status: number; responseText: string } | { error: true; timedOut: boolean };

type Message =
  | { op: 'set'; key: string; value: unknown }
  | { op: 'delete'; key: string }
  | { op: 'menu'; name: string }
  | ({ op: 'xhr'; timeout?: number } & ManagerRequest);

/** The GM functions a manager may grant, as the wrapper below defines them. */
const PROVIDED = [
  'GM_getValue',
  'GM_setValue',
  'GM_deleteValue',
  'GM_xmlhttpRequest',
  'GM_registerMenuCommand',
];

/**
 * The page side of the manager: the GM functions, defined in a closure around
 * the script (its parameters), never on `window`. Storage reads come from the
 * copy the manager hands over at injection (GM_getValue is synchronous, as in
 * Tampermonkey and Violentmonkey); writes and requests go to the manager in
 * the test process through `call`, its private channel, taken off `window` at
 * once. Only the functions the script's `@grant` lines name are passed in.
 */
function wrap(script: string, granted: string[]): string {
  const params = PROVIDED.join(', ');
  const args = PROVIDED.map((name) => (granted.includes(name) ? name : 'undefined')).join(', ');
  return `(function (channel, values) {
  var call = window[channel];
  delete window[channel];
  var menu = {};
  function GM_getValue(key, fallback) { return key in values ? values[key] : fallback; }
  function GM_setValue(key, value) { values[key] = value; call({ op: 'set', key: key, value: value }); }
  function GM_deleteValue(key) { delete values[key]; call({ op: 'delete', key: key }); }
  function GM_registerMenuCommand(name, fn) { menu[name] = fn; call({ op: 'menu', name: name }); }
  function GM_xmlhttpRequest(d) {
    call({ op: 'xhr', method: d.method, url: d.url, headers: d.headers || {}, data: d.data, timeout: d.timeout }).then(
      function (r) {
        if (!r.error) d.onload && d.onload({ status: r.status, responseText: r.responseText });
        else if (r.timedOut && d.ontimeout) d.ontimeout({});
        else d.onerror && d.onerror({});
      },
    );
  }
  (function (${params}) {
${script}
  }).call(window, ${args});
})`;
}

function headerValues(script: string, key: string): string[] {
  const header = script.slice(0, script.indexOf('// ==/UserScript=='));
  return [...header.matchAll(new RegExp(`^// @${key}\\s+(\\S+)\\s*$`, 'gm'))].map((m) => m[1]!);
}

/**
 * A userscript manager standing in for Tampermonkey/Violentmonkey on one
 * Playwright page: it keeps the script's storage and makes its requests in
 * the test process (Node's fetch, to the real bridge), grants only what the
 * script's header asks for, and lets GM_xmlhttpRequest reach only the hosts
 * its `@connect` lines name. `answer` may answer a request instead of the
 * network (a proxy's 502).
 */
export async function createUserscriptManager(page: Page) {
  const channel = `__manager_${randomBytes(12).toString('hex')}`;
  let connect: string[] = [];
  const manager = {
    /** The script's storage, as the manager keeps it (outside the page). */
    store: new Map<string, unknown>(),
    /** Every request the script made through GM_xmlhttpRequest. */
    requests: [] as ManagerRequest[],
    menu: [] as string[],
    answer: undefined as ((req: ManagerRequest) => { status: number; body: string } | undefined) | undefined,

    /** What the manager does on every page load: runs the script, wrapped, with the GM functions it granted. */
    async run(script: string): Promise<void> {
      connect = headerValues(script, 'connect');
      const granted = headerValues(script, 'grant');
      const start = await page.evaluateHandle(wrap(script, granted));
      await start.evaluate((fn, [name, values]) => (fn as (c: string, v: object) => void)(name, values), [
        channel,
        Object.fromEntries(manager.store),
      ] as const);
      await start.dispose();
    },
  };

  async function request(msg: ManagerRequest & { timeout?: number }): Promise<ManagerAnswer> {
    const req: ManagerRequest = { method: msg.method, url: msg.url, headers: msg.headers, data: msg.data };
    manager.requests.push(req);
    if (!connect.includes(new URL(req.url).hostname)) return { error: true, timedOut: false };
    const faked = manager.answer?.(req);
    if (faked) return { status: faked.status, responseText: faked.body };
    try {
      const res = await fetch(req.url, {
        method: req.method,
        headers: req.headers,
        ...(req.data !== undefined ? { body: req.data } : {}),
        signal: AbortSignal.timeout(msg.timeout ?? 30_000),
      });
      return { status: res.status, responseText: await res.text() };
    } catch (err) {
      return { error: true, timedOut: (err as Error).name === 'TimeoutError' };
    }
  }

  await page.exposeBinding(channel, async (_source, msg: Message) => {
    switch (msg.op) {
      case 'set':
        manager.store.set(msg.key, msg.value);
        return null;
      case 'delete':
        manager.store.delete(msg.key);
        return null;
      case 'menu':
        manager.menu.push(msg.name);
        return null;
      case 'xhr':
        return request(msg);
    }
  });
  return manager;
}

export type UserscriptManager = Awaited<ReturnType<typeof createUserscriptManager>>;

/** The served userscript, as a manager downloads it. */
export async function fetchUserscript(bridgeUrl: string): Promise<string> {
  return (await fetch(`${bridgeUrl}/userscript.user.js`)).text();
}
