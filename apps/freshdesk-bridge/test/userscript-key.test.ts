/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { startFreshdeskDouble, waitFor } from '@devops/testkit';
import { API_KEY, startBridge, type Bridge } from './helpers/start-bridge';
import {
  createUserscriptManager,
  fetchUserscript,
  launchChromium,
  startTicketPage,
  startTwoTicketSite,
  type UserscriptManager,
} from './helpers/userscript-manager';

const KEY_NAME = 'freshdesk-bridge.apiKey';

/**
 * A script of the Freshdesk page itself, run before anything else on every load (another extension, an
 * injected widget, an XSS): it defines look-alike GM functions on `window`, wraps `fetch` and
 * `XMLHttpRequest`, and watches `localStorage`, `sessionStorage` and `document.cookie`. Everything it
 * gets is kept in `window.__hostile`.
 */
const HOSTILE = `(() => {
  const captured = [];
  const note = (where, value) => {
    let text;
    try { text = typeof value === 'string' ? value : JSON.stringify(value); } catch (e) { text = String(value); }
    captured.push(where + ': ' + text);
  };
  window.__hostile = captured;
  window.GM_getValue = (key, fallback) => { note('window.GM_getValue', key); return fallback; };
  window.GM_setValue = (key, value) => note('window.GM_setValue', [key, value]);
  window.GM_deleteValue = (key) => note('window.GM_deleteValue', key);
  const realFetch = window.fetch;
  // a transparent look-alike: it records, then does the request, so nothing seems amiss
  window.GM_xmlhttpRequest = (d) => {
    note('window.GM_xmlhttpRequest', { url: d.url, headers: d.headers, data: d.data });
    realFetch(d.url, { method: d.method, headers: d.headers, body: d.data }).then(
      (r) => r.text().then((t) => d.onload({ status: r.status, responseText: t })),
      () => d.onerror({}),
    );
  };
  window.GM_registerMenuCommand = (name) => note('window.GM_registerMenuCommand', name);
  window.fetch = function (input, init) {
    const headers = init && init.headers instanceof Headers ? [...init.headers] : init && init.headers;
    note('fetch', { url: String((input && input.url) || input), headers, body: init && init.body });
    return realFetch.apply(this, arguments);
  };
  const X = XMLHttpRequest.prototype;
  const [open, setHeader, send] = [X.open, X.setRequestHeader, X.send];
  X.open = function (method, url) { note('xhr.open', [method, String(url)]); return open.apply(this, arguments); };
  X.setRequestHeader = function (name, value) { note('xhr.header', [name, value]); return setHeader.apply(this, arguments); };
  X.send = function (body) { note('xhr.send', body); return send.apply(this, arguments); };
  const setItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function (key, value) { note('Storage.setItem', [key, value]); return setItem.apply(this, arguments); };
  window.addEventListener('storage', (e) => note('storage event', [e.key, e.newValue]));
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  Object.defineProperty(document, 'cookie', {
    configurable: true,
    get() { return cookie.get.call(this); },
    set(value) { note('document.cookie', value); cookie.set.call(this, value); },
  });
})();`;

/** The page also wraps the dialogs: what the agent types into a page-world `prompt` is the page's to read. */
const DIALOG_WATCH = `(() => {
  for (const name of ['prompt', 'confirm']) {
    const real = window[name];
    window[name] = function () {
      const answer = real.apply(this, arguments);
      window.__hostile.push('window.' + name + ': ' + String(answer));
      return answer;
    };
  }
})();`;

/** Everything the page can see: what the hostile script caught, both storages, cookies, the DOM. */
async function whatThePageHas(page: Page): Promise<string> {
  return page.evaluate(() =>
    JSON.stringify({
      captured: (window as unknown as { __hostile?: string[] }).__hostile ?? null,
      localStorage: { ...localStorage },
      sessionStorage: { ...sessionStorage },
      cookie: document.cookie,
      dom: document.documentElement.outerHTML,
    }),
  );
}

let browser: Browser;
let b: Bridge;
let page: Page;
let manager: UserscriptManager;
let site: Awaited<ReturnType<typeof startTicketPage>>;
let tickets: number[];
let dialogs: string[];

beforeAll(async () => {
  browser = await launchChromium();
}, 30_000);
afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  const freshdeskDouble = await startFreshdeskDouble();
  ({ tickets, site } = await startTwoTicketSite(freshdeskDouble, [2, 1]));
  b = await startBridge({ freshdeskDouble, freshdeskUrl: site.origin });
  page = await browser.newPage();
  dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void (d.type() === 'prompt' ? d.accept(API_KEY) : d.accept());
  });
  await page.addInitScript(HOSTILE);
  manager = await createUserscriptManager(page);
});
afterEach(async () => {
  await page?.close();
  await b?.close();
  await b?.freshdesk.close();
  await site?.close();
});

const status = () => page.locator('[data-fdb="status"]');

describe('the API key never reaches the page (a hostile script on the Freshdesk page)', () => {
  it('[slow] entered, stored and sent only through the manager: escalation and look-ups work, the page gets nothing', async () => {
    const [t1, t2] = tickets as [number, number];
    const script = await fetchUserscript(b.url);
    await page.goto(`${site.origin}/a/tickets/${t1}`);
    await manager.run(script);

    await page.locator('[data-fdb="button"]').click();
    await page.locator('[data-fdb="issue-link"]').waitFor({ timeout: 20_000 });

    // the hostile script caught nothing with the key in it
    expect(await whatThePageHas(page)).not.toContain(API_KEY);
    // the escalation went through the manager to the real bridge, with the key the agent typed
    const issues = b.gitlab.state(b.project.id).issues;
    expect(issues.map((i) => i.title)).toEqual([`[FD#${t1}] Login loops`]);
    expect(await status().textContent()).toBe(`Escalated to GitLab issue #${issues[0]!.iid}`);
    expect(dialogs.map((d) => d.split(':')[0])).toEqual(['confirm', 'prompt']);
    expect(manager.store.get(KEY_NAME)).toBe(API_KEY);
    expect(manager.requests.map((r) => [r.method, r.url, r.headers.Authorization])).toEqual([
      ['POST', `${b.url}/escalations`, `Bearer ${API_KEY}`],
    ]);

    // the stored key is used again: the next ticket's look-up, then a reload of the escalated one
    await page.click(`[data-ticket-link="${t2}"]`);
    await waitFor(() => manager.requests.some((r) => r.url === `${b.url}/escalations/${t2}`), {
      intervalMs: 50,
      what: 'the look-up through the manager',
    });
    await page.goto(`${site.origin}/a/tickets/${t1}`);
    await manager.run(script);
    await page.locator('[data-fdb="issue-state"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-fdb="issue-state"]').textContent()).toBe(
      `GitLab #${issues[0]!.iid} · open`,
    );
    expect(manager.requests.filter((r) => r.method === 'GET').map((r) => r.url)).toContain(
      `${b.url}/escalations/${t1}`,
    );
    expect(manager.requests.every((r) => r.headers.Authorization === `Bearer ${API_KEY}`)).toBe(true);

    // the hostile script was there all along, and caught nothing with the key in it
    const seen = await whatThePageHas(page);
    expect(JSON.parse(seen).captured).toEqual(expect.any(Array));
    expect(seen).not.toContain(API_KEY);
    expect(dialogs.filter((d) => d.startsWith('prompt'))).toHaveLength(1);
  }, 60_000);

  it('[slow] in the isolated world the header asks for (@sandbox DOM, @inject-into content), even wrapped dialogs get nothing', async () => {
    const [t1, t2] = tickets as [number, number];
    await page.addInitScript(DIALOG_WATCH);
    const script = await fetchUserscript(b.url);
    await page.goto(`${site.origin}/a/tickets/${t1}`);
    await manager.run(script, { world: 'isolated' });

    await page.locator('[data-fdb="button"]').click();
    await page.locator('[data-fdb="issue-link"]').waitFor({ timeout: 20_000 });
    const seen = await whatThePageHas(page);
    expect(seen).not.toContain(API_KEY);
    // the watchers were live: the page's own dialogs would have been seen
    expect(await page.evaluate(() => window.confirm('page'))).toBe(true);
    expect(JSON.parse(await whatThePageHas(page)).captured).toEqual(['window.confirm: true']);

    const issues = b.gitlab.state(b.project.id).issues;
    expect(issues.map((i) => i.title)).toEqual([`[FD#${t1}] Login loops`]);
    expect(dialogs.map((d) => d.split(':')[0])).toEqual(['confirm', 'prompt', 'confirm']);
    expect(manager.store.get(KEY_NAME)).toBe(API_KEY);
    expect(manager.requests.map((r) => [r.method, r.url, r.headers.Authorization])).toEqual([
      ['POST', `${b.url}/escalations`, `Bearer ${API_KEY}`],
    ]);

    // the page's history calls are out of reach there; the DOM observer still follows the navigation
    await page.click(`[data-ticket-link="${t2}"]`);
    await page.waitForFunction(
      (id) => document.getElementById('fdb-escalate')?.getAttribute('data-ticket') === String(id),
      t2,
    );
    await waitFor(() => manager.requests.some((r) => r.url === `${b.url}/escalations/${t2}`), {
      intervalMs: 50,
      what: 'the look-up through the manager',
    });
    expect(await whatThePageHas(page)).not.toContain(API_KEY);
  }, 60_000);

  it('[slow] run without a manager granting GM functions, it shows an error: no prompt, no storage, no request', async () => {
    const script = await fetchUserscript(b.url);
    // not how a manager runs it: as a plain page script (the page's own look-alike GM functions removed)
    await page.goto(`${site.origin}/a/tickets/${tickets[0]!}`);
    await page.evaluate(() => {
      for (const name of ['GM_getValue', 'GM_setValue', 'GM_deleteValue', 'GM_xmlhttpRequest'])
        delete (window as unknown as Record<string, unknown>)[name];
    });
    await page.addScriptTag({ content: script });
    await page.locator('[data-fdb="button"]').click();
    await page.waitForFunction(
      () => document.querySelector('[data-fdb="status"]')?.getAttribute('data-kind') === 'error',
    );
    expect(await status().textContent()).toBe(
      `Escalation failed: this script needs a userscript manager (Tampermonkey or Violentmonkey) granting GM_getValue, GM_setValue, GM_deleteValue and GM_xmlhttpRequest — install it from ${b.url}/userscript.user.js`,
    );
    expect(dialogs).toEqual([]);
    expect(JSON.parse(await whatThePageHas(page)).captured).toEqual([]);
    expect(b.gitlab.state(b.project.id).issues).toEqual([]);
  }, 60_000);
});
