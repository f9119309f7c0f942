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

const SCREENSHOT = process.env.BRIDGE_SCREENSHOT;
const KEY_NAME = 'freshdesk-bridge.apiKey';

let browser: Browser;
let b: Bridge;
let page: Page;
let manager: UserscriptManager;
let site: Awaited<ReturnType<typeof startTicketPage>>;
let tickets: number[];
let dialogs: string[];
let promptAnswer: string;
let clock: number;

beforeAll(async () => {
  browser = await launchChromium();
}, 30_000);
afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  // the bridge's Freshdesk origin (CORS, ticket links) is the page's origin; its API client talks to the double
  const freshdeskDouble = await startFreshdeskDouble();
  ({ tickets, site } = await startTwoTicketSite(freshdeskDouble, [2, 3]));
  clock = Date.parse('2024-06-01T12:00:00Z');
  b = await startBridge({ freshdeskDouble, freshdeskUrl: site.origin, now: () => clock });
  page = await browser.newPage({ viewport: { width: 1100, height: 650 } });
  dialogs = [];
  promptAnswer = API_KEY;
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void (d.type() === 'prompt' ? d.accept(promptAnswer) : d.accept());
  });
  manager = await createUserscriptManager(page);
});
afterEach(async () => {
  await page?.close();
  await b?.close();
  await b?.freshdesk.close();
  await site?.close();
});

async function openTicket(id: number, opts: { key?: string } = {}) {
  if (opts.key) manager.store.set(KEY_NAME, opts.key);
  await page.goto(`${site.origin}/a/tickets/${id}`);
  await injectUserscript();
}

/** What the userscript manager does on every page load. */
async function injectUserscript() {
  await manager.run(await fetchUserscript(b.url));
}

const button = () => page.locator('[data-fdb="button"]');
const status = () => page.locator('[data-fdb="status"]');

describe('the userscript in Chromium', () => {
  it('[slow] adds the button once, keeps it across SPA navigation, escalates the ticket in the URL (through the manager)', async () => {
    const [t1, t2] = tickets as [number, number];
    await openTicket(t1);
    await expectCount(button(), 1);
    expect(await button().textContent()).toBe('Escalate to GitLab');

    // Freshdesk navigates to another ticket (pushState + full re-render): still one button, now for t2
    await page.click(`[data-ticket-link="${t2}"]`);
    await page.waitForFunction(
      (id) => document.getElementById('fdb-escalate')?.getAttribute('data-ticket') === String(id),
      t2,
    );
    // Still one button once the userscript has synced twice more (each sync re-sets data-ticket,
    // after the page's mutations or on its 1 s poll): a duplicate would be made by a sync.
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          let syncs = 0;
          const timer = setTimeout(() => reject(new Error(`only ${syncs} syncs in 10 s`)), 10_000);
          new MutationObserver((records) => {
            syncs += records.length;
            if (syncs < 2) return;
            clearTimeout(timer);
            resolve();
          }).observe(document.getElementById('fdb-escalate')!, { attributeFilter: ['data-ticket'] });
        }),
    );
    await expectCount(button(), 1);

    // off a ticket page the button goes, and comes back (once) on the way back
    await page.click('[data-ticket-link="dashboard"]');
    await page.waitForFunction(() => !document.getElementById('fdb-escalate'));
    await page.goBack();
    await page.waitForFunction(
      (id) => document.getElementById('fdb-escalate')?.getAttribute('data-ticket') === String(id),
      t2,
    );
    await expectCount(button(), 1);

    await button().click();
    const link = page.locator('[data-fdb="issue-link"]');
    await link.waitFor({ timeout: 20_000 });
    const issues = b.gitlab.state(b.project.id).issues;
    expect(issues.map((i) => i.title)).toEqual([`[FD#${t2}] Export hangs`]);
    expect(await link.getAttribute('href')).toBe(
      `${b.gitlab.url}/${b.project.path}/-/issues/${issues[0]!.iid}`,
    );
    expect(await status().textContent()).toContain(`Escalated to GitLab issue #${issues[0]!.iid}`);
    expect(dialogs[0]).toBe(
      `confirm: Escalate ticket #${t2} to GitLab? Its conversations and attachments are copied into one issue.`,
    );
    expect(dialogs[1]).toMatch(/^prompt: API key/);
    expect(manager.store.get(KEY_NAME)).toBe(API_KEY);
    expect(manager.requests.map((r) => `${r.method} ${r.url}`)).toContain(`POST ${b.url}/escalations`);
    if (SCREENSHOT) await page.screenshot({ path: SCREENSHOT });

    // a second click on the same ticket: no second prompt, the existing issue
    await button().click();
    await page.waitForFunction(() =>
      document.querySelector('[data-fdb="status"]')?.textContent?.startsWith('Already escalated'),
    );
    expect(dialogs.filter((d) => d.startsWith('prompt'))).toHaveLength(1);
    expect(b.gitlab.state(b.project.id).issues).toHaveLength(1);
  }, 60_000);

  it("[slow] sends the escalation again when a proxy answers 502 (a bridge replica died): one issue; the bridge's own 502 is shown", async () => {
    const [t1] = tickets as [number, number];
    await openTicket(t1);
    let posts = 0;
    // a proxy in front of the bridge answers the first POST itself
    manager.answer = (req) =>
      req.method === 'POST' && ++posts === 1 ? { status: 502, body: 'Bad Gateway' } : undefined;
    await button().click();
    await page.locator('[data-fdb="issue-link"]').waitFor({ timeout: 20_000 });
    expect(posts).toBe(2);
    expect(await status().textContent()).toContain('Escalated to GitLab issue #');
    expect(b.gitlab.state(b.project.id).issues.map((i) => i.title)).toEqual([`[FD#${t1}] Login loops`]);

    // The bridge's own 502 (GitLab refused, a JSON error) is an answer: shown, not sent again.
    await page.goto(`${site.origin}/a/tickets/${tickets[1]!}`);
    await injectUserscript();
    manager.answer = (req) => {
      if (req.method !== 'POST') return undefined;
      posts++;
      return { status: 502, body: '{"error":"GitLab refused: 403"}' };
    };
    await button().click();
    await page.waitForFunction(() =>
      document.querySelector('[data-fdb="status"]')?.textContent?.includes('HTTP 502'),
    );
    expect(posts).toBe(3);
    expect(await status().textContent()).toContain('GitLab refused: 403');
  }, 60_000);

  it('[slow] a wrong API key shows the 401 explanation and is forgotten', async () => {
    promptAnswer = 'not-the-key';
    await openTicket(tickets[0]!);
    await button().click();
    await page.waitForFunction(
      () => document.querySelector('[data-fdb="status"]')?.getAttribute('data-kind') === 'error',
    );
    expect(await status().textContent()).toContain(
      'the bridge rejected the API key — set it in the script settings',
    );
    expect(manager.store.has(KEY_NAME)).toBe(false);
    expect(await button().isEnabled()).toBe(true);
    expect(b.gitlab.state(b.project.id).issues).toEqual([]);
  }, 60_000);

  it('[slow] a GitLab outage (503), a bridge failure (500) and an unreachable bridge show readable errors', async () => {
    await openTicket(tickets[0]!);
    b.gitlab.injectFault({ status: 500, times: 100, method: 'POST' });
    await button().click();
    await page.waitForFunction(
      () => document.querySelector('[data-fdb="status"]')?.getAttribute('data-kind') === 'error',
    );
    const text = await status().textContent();
    expect(text).toMatch(/^Escalation failed: /);
    expect(text).toContain('escalate again to resume');
    expect(text).not.toContain('{');

    // a plain 500 (a bug in the bridge) reads as well
    manager.answer = (req) =>
      req.method === 'POST' ? { status: 500, body: '{"error":"the bridge failed: boom"}' } : undefined;
    await button().click();
    await page.waitForFunction(() =>
      document.querySelector('[data-fdb="status"]')?.textContent?.includes('HTTP 500'),
    );
    expect(await status().textContent()).toBe(
      'Escalation failed: the bridge failed (HTTP 500): the bridge failed: boom — try again, or tell whoever runs the bridge',
    );
    manager.answer = undefined;

    b.gitlab.clearFaults();
    await b.close(); // the bridge goes away
    await button().click();
    await page.waitForFunction(() =>
      document.querySelector('[data-fdb="status"]')?.textContent?.includes('could not reach'),
    );
    expect(await status().textContent()).toContain(`could not reach the bridge at ${b.url}`);
  }, 60_000);
});

describe('the userscript shows what became of an escalated ticket', () => {
  const issueState = () => page.locator('[data-fdb="issue-state"]');

  it('[slow] an escalated ticket shows "GitLab #N · open|closed" on load, no click; others the button; SPA navigation follows', async () => {
    const [t1, t2] = tickets as [number, number];
    const escalated = await b.escalate(t1);
    expect(escalated.status).toBe(201);
    const { url: issueUrl } = ((await escalated.json()) as { issue: { url: string } }).issue;
    const issue = b.gitlab.state(b.project.id).issues[0]!;

    // on load: the link with the state, in place of the button, without a click or a dialog
    await openTicket(t1, { key: API_KEY });
    await issueState().waitFor({ timeout: 10_000 });
    expect(await issueState().textContent()).toBe(`GitLab #${issue.iid} · open`);
    expect(await issueState().getAttribute('href')).toBe(issueUrl);
    expect(issueUrl).toBe(`${b.gitlab.url}/${b.project.path}/-/issues/${issue.iid}`);
    expect(await button().isVisible()).toBe(false);
    expect(dialogs).toEqual([]);

    // the developers close the issue; once the bridge's short cache has run out, a reload shows it
    issue.state = 'closed';
    clock += 31_000;
    await page.reload();
    await injectUserscript();
    await page.waitForFunction(
      () => document.querySelector('[data-fdb="issue-state"]')?.getAttribute('data-state') === 'closed',
    );
    expect(await issueState().textContent()).toBe(`GitLab #${issue.iid} · closed`);

    // SPA navigation to a ticket never escalated: the button, no link
    await page.click(`[data-ticket-link="${t2}"]`);
    await page.waitForFunction(
      (id) => document.getElementById('fdb-escalate')?.getAttribute('data-ticket') === String(id),
      t2,
    );
    await expectCount(issueState(), 0);
    expect(await button().isVisible()).toBe(true);
    expect(await button().textContent()).toBe('Escalate to GitLab');

    // and back: the link again
    await page.click(`[data-ticket-link="${t1}"]`);
    await issueState().waitFor({ timeout: 10_000 });
    expect(await issueState().textContent()).toBe(`GitLab #${issue.iid} · closed`);
    expect(await button().isVisible()).toBe(false);
    expect(dialogs).toEqual([]);
    expect(b.gitlab.state(b.project.id).issues).toHaveLength(1);
  }, 60_000);
});

// playwright-core has no test runner: a tiny stand-in for its `expect(locator).toHaveCount(n)`
async function expectCount(locator: ReturnType<Page['locator']>, n: number) {
  await waitFor(async () => (await locator.count()) === n, {
    timeoutMs: 5000,
    intervalMs: 50,
    what: `${n} of ${String(locator)}`,
  });
}
