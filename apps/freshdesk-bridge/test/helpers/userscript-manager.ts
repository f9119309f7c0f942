import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FreshdeskDouble } from '@devops/testkit';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { seedTicket } from './seed-ticket';

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

/** Headless Debian Chromium, as the browser tests run it (no browser download here). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * Two tickets ("Login loops", "Export hangs") with these numbers of conversations in the Freshdesk
 * double, and the agent page that shows them (its origin is the bridge's Freshdesk origin).
 */
export async function startTwoTicketSite(freshdesk: FreshdeskDouble, conversations: [number, number]) {
  const t1 = seedTicket(freshdesk, { conversations: conversations[0], subject: 'Login loops' }).ticket.id;
  const t2 = seedTicket(freshdesk, { conversations: conversations[1], subject: 'Export hangs' }).ticket.id;
  const site = await startTicketPage({
    [t1]: { subject: 'Login loops', text: 'It loops.' },
    [t2]: { subject: 'Export hangs', text: 'At 99%.' },
  });
  return { tickets: [t1, t2], site };
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
 * The page side of the manager, as the source of a function `(call, values)`:
 * the GM functions, defined in a closure around the script (its parameters),
 * never on `window`. Storage reads come from the copy the manager hands over
 * at injection (GM_getValue is synchronous, as in Tampermonkey and
 * Violentmonkey); writes and requests go to the manager in the test process
 * through `call`, its private channel. Only the functions the script's
 * `@grant` lines name are passed in.
 */
function wrap(script: string, granted: string[]): string {
  const params = PROVIDED.join(', ');
  const args = PROVIDED.map((name) => (granted.includes(name) ? name : 'undefined')).join(', ');
  return `(function (call, values) {
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

    /**
     * What the manager does on every page load: runs the script, wrapped, with the GM functions it granted.
     * `world: 'page'` (Tampermonkey's default, `@sandbox raw`): in the page's own JavaScript world, beside
     * its scripts; the channel to the manager is a binding under a random name, taken off `window` at once.
     * `world: 'isolated'` (`@sandbox DOM`, `@inject-into content`): in a world of its own that shares only
     * the DOM with the page (Chromium's isolated world, as content scripts run); the channel never exists
     * in the page's world.
     */
    async run(script: string, opts: { world?: 'page' | 'isolated' } = {}): Promise<void> {
      connect = headerValues(script, 'connect');
      const source = wrap(script, headerValues(script, 'grant'));
      const values = Object.fromEntries(manager.store);
      if (opts.world === 'isolated') {
        await runIsolated(source, values);
        return;
      }
      const start = await page.evaluateHandle(source);
      await start.evaluate(
        (fn, [name, stored]) => {
          const w = window as unknown as Record<string, unknown>;
          const call = w[name];
          delete w[name];
          (fn as (c: unknown, v: object) => void)(call, stored);
        },
        [channel, values] as const,
      );
      await start.dispose();
    },
  };

  let cdp: CDPSession | undefined;
  /** The isolated world's channel: a CDP binding that exists only in worlds named `world`. */
  async function runIsolated(source: string, values: Record<string, unknown>): Promise<void> {
    const world = `${channel}_world`;
    if (!cdp) {
      const session = await page.context().newCDPSession(page);
      cdp = session;
      session.on('Runtime.bindingCalled', (event) => {
        if (event.name !== channel) return;
        const { id, msg } = JSON.parse(event.payload) as { id: number; msg: Message };
        void handle(msg).then((result) =>
          session.send('Runtime.evaluate', {
            contextId: event.executionContextId,
            expression: `window.${channel}_deliver(${id}, ${JSON.stringify(result)})`,
          }),
        );
      });
      await session.send('Runtime.enable');
      await session.send('Runtime.addBinding', { name: channel, executionContextName: world });
    }
    const { frameTree } = await cdp.send('Page.getFrameTree');
    const { executionContextId } = await cdp.send('Page.createIsolatedWorld', {
      frameId: frameTree.frame.id,
      worldName: world,
    });
    const run = await cdp.send('Runtime.evaluate', {
      contextId: executionContextId,
      expression: `(function (values) {
  var send = window.${channel}, pending = {}, next = 0;
  window.${channel}_deliver = function (id, result) { var done = pending[id]; delete pending[id]; done(result); };
  function call(msg) {
    return new Promise(function (resolve) { var id = ++next; pending[id] = resolve; send(JSON.stringify({ id: id, msg: msg })); });
  }
  (${source})(call, values);
})(${JSON.stringify(values)})`,
    });
    if (run.exceptionDetails) throw new Error(`the userscript threw: ${run.exceptionDetails.text}`);
  }

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

  async function handle(msg: Message): Promise<ManagerAnswer | null> {
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
  }

  await page.exposeBinding(channel, (_source, msg: Message) => handle(msg));
  return manager;
}

export type UserscriptManager = Awaited<ReturnType<typeof createUserscriptManager>>;

/** The served userscript, as a manager downloads it. */
export async function fetchUserscript(bridgeUrl: string): Promise<string> {
  return (await fetch(`${bridgeUrl}/userscript.user.js`)).text();
}
