import { waitFor } from '@devops/testkit';
import { conversationIdFromMarker } from '../src/render/markers';
import { readJson, startBridge, type Bridge } from './helpers/start-bridge';
import { seedTicket, sourceSha256 } from './helpers/seed-ticket';

let b: Bridge;
afterEach(async () => {
  await b?.close();
});

function bridgeNotes(ticket: { conversations: Array<{ body: string; private: boolean }> }) {
  return ticket.conversations.filter((c) => c.private && c.body.includes('Escalated to GitLab'));
}

describe('POST /escalations', () => {
  it('copies a ticket with 137 conversations (two pages) and attachments into one issue, linked both ways', async () => {
    b = await startBridge();
    const { ticket, conversations } = seedTicket(b.freshdesk, {
      conversations: 137,
      ticketAttachments: [
        { name: 'screenshot.png', size: 300_000 },
        { name: 'notes.txt', content: 'first line\nsecond line\n' },
      ],
      conversationAttachments: {
        2: [{ name: 'trace.log', size: 1_234_567 }],
        120: [{ name: 'config.yaml', content: 'a: 1\n' }],
      },
    });

    const res = await b.escalate(ticket.id);
    const body = await readJson(res);
    expect(res.status).toBe(201);
    expect(body).toMatchObject({
      created: true,
      copied: { conversations: 137, attachments: 4 },
      skipped: [],
    });

    const issues = b.gitlab.state(b.project.id).issues;
    expect(issues).toHaveLength(1);
    const issue = issues[0]!;
    expect(body.issue).toEqual({ iid: issue.iid, url: expect.stringContaining(`/-/issues/${issue.iid}`) });
    expect(issue.title).toBe(`[FD#${ticket.id}] Export hangs at 99%`);
    expect(issue.labels.sort()).toEqual(['freshdesk', 'support']);
    const d = issue.description ?? '';
    expect(d.split('\n')[0]).toBe(`<!-- freshdesk-ticket:${ticket.id} -->`);
    expect(d).toContain(`(${b.freshdesk.url}/a/tickets/${ticket.id})`);
    expect(d).toContain('| Status | Open |');
    expect(d).toContain('| Priority | High |');
    expect(d).toContain('| Type | Incident |');
    expect(d).toContain('| Requester | Grace Hopper \\<grace@example\\.com\\> |');
    expect(d).toContain('| Tags | export, vip |');
    expect(d).toContain('| Created | 2024-03-01T09:00:00Z |');
    expect(d).toContain('The export **hangs** at 99%.');
    expect(d).toContain('1.  open');

    // every conversation, once, oldest first, with author/kind/time, private ones as internal notes
    const notes = b.notes(issue.iid);
    expect(notes.map((n) => conversationIdFromMarker(n.body))).toEqual(conversations.map((c) => c.id));
    conversations.forEach((c, i) => {
      expect(notes[i]!.body).toContain(`Message ${i + 1} _of_ 137`);
      expect(notes[i]!.body).toContain(c.createdAt);
      expect(notes[i]!.internal).toBe(c.private);
      expect(notes[i]!.body).toContain(
        c.private ? 'private note' : c.incoming ? 'from the customer' : 'public reply',
      );
    });
    expect(notes[1]!.body).toContain('agent@acme\\.example');

    // every attachment's bytes arrived unchanged, linked where it belongs
    const uploads = b.gitlab.state(b.project.id).uploads;
    const sources = [
      ...ticket.attachments.map((a) => ({ a, text: d })),
      ...conversations[2]!.attachments.map((a) => ({ a, text: notes[2]!.body })),
      ...conversations[120]!.attachments.map((a) => ({ a, text: notes[120]!.body })),
    ];
    expect(sources).toHaveLength(4);
    expect(uploads).toHaveLength(4);
    for (const { a, text } of sources) {
      const upload = uploads.find((u) => u.filename === a.name);
      expect(upload).toBeDefined();
      expect(upload!.size).toBe(a.size);
      expect(upload!.sha256).toBe(await sourceSha256(b.freshdesk, a.id));
      expect(text).toContain(`/uploads/${upload!.secret}/${a.name}`);
    }

    // the ticket got one private note with the link; the API key never went to the attachment host
    const after = b.freshdesk.ticket(ticket.id)!;
    expect(bridgeNotes(after)).toHaveLength(1);
    expect(bridgeNotes(after)[0]!.body).toContain(body.issue.url);
    const downloads = b.freshdesk.requests.filter((r) => r.host === 'attachments');
    expect(downloads).toHaveLength(4);
    expect(downloads.every((r) => !r.authorization && r.status === 200)).toBe(true);
    const pages = b.freshdesk.requests.filter((r) => r.host === 'api' && r.path.endsWith('/conversations'));
    expect(pages.length).toBeGreaterThanOrEqual(2);

    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toMatch(/freshdesk_bridge_escalations_total\{result="created"[^}]*\} 1/);
    expect(metrics).toMatch(/freshdesk_bridge_notes_copied_total\{[^}]*\} 137/);
    expect(metrics).toMatch(/freshdesk_bridge_attachments_copied_total\{[^}]*\} 4/);
  });

  it('sets the link field and finds the issue through it and through the marker', async () => {
    b = await startBridge({ config: { BRIDGE_LINK_FIELD: 'cf_gitlab_issue' } });
    const { ticket } = seedTicket(b.freshdesk, { conversations: 2 });
    const first = await readJson(await b.escalate(ticket.id));
    expect(b.freshdesk.ticket(ticket.id)!.customFields.cf_gitlab_issue).toBe(first.issue.url);

    const got = await fetch(`${b.url}/escalations/${ticket.id}`, {
      headers: { authorization: 'Bearer bridge-key-0123456789abcdef' },
    });
    expect(got.status).toBe(200);
    expect(await readJson(got)).toEqual({ issue: { ...first.issue, state: 'open' } });

    // without the field (someone cleared it) the marker still finds the issue, and the field is set again
    b.freshdesk.ticket(ticket.id)!.customFields.cf_gitlab_issue = null;
    const again = await b.escalate(ticket.id);
    expect(again.status).toBe(200);
    expect((await readJson(again)).issue).toEqual(first.issue);
    expect(b.freshdesk.ticket(ticket.id)!.customFields.cf_gitlab_issue).toBe(first.issue.url);
    expect(b.gitlab.state(b.project.id).issues).toHaveLength(1);
  });

  it('lists an attachment over BRIDGE_MAX_ATTACHMENT_BYTES as skipped, with its Freshdesk link, and never downloads it', async () => {
    b = await startBridge({ config: { BRIDGE_MAX_ATTACHMENT_BYTES: 1024 * 1024 } });
    const { ticket, conversations } = seedTicket(b.freshdesk, {
      conversations: 2,
      ticketAttachments: [{ name: 'huge.iso', size: 3 * 1024 * 1024 }],
      conversationAttachments: {
        1: [
          { name: 'small.txt', content: 'ok' },
          { name: 'big.bin', size: 2 * 1024 * 1024 },
        ],
      },
    });
    const res = await b.escalate(ticket.id);
    const body = await readJson(res);
    expect(res.status).toBe(201);
    const huge = ticket.attachments[0]!;
    const big = conversations[1]!.attachments[1]!;
    expect(body.copied).toEqual({ conversations: 2, attachments: 1 });
    expect(body.skipped).toEqual([
      {
        name: 'huge.iso',
        size: huge.size,
        url: huge.url,
        from: 'ticket',
        reason: expect.stringContaining('limit'),
      },
      {
        name: 'big.bin',
        size: big.size,
        url: big.url,
        from: conversations[1]!.id,
        reason: expect.stringContaining('limit'),
      },
    ]);
    const issue = b.gitlab.state(b.project.id).issues[0]!;
    expect(issue.description).toContain(
      `huge\\.iso (3.0 MB) — not copied: larger than the 1\\.0 MB limit; [download it from Freshdesk](${huge.url})`,
    );
    expect(b.notes(issue.iid)[1]!.body).toContain(`[download it from Freshdesk](${big.url})`);
    expect(b.gitlab.state(b.project.id).uploads.map((u) => u.filename)).toEqual(['small.txt']);
    const fetched = b.freshdesk.requests.filter((r) => r.host === 'attachments').map((r) => r.path);
    expect(fetched).toHaveLength(1);
    expect(fetched[0]).toContain('small.txt');
  });

  it('answers 404 for an unknown ticket and writes nothing', async () => {
    b = await startBridge();
    const res = await b.escalate(424242);
    expect(res.status).toBe(404);
    expect((await readJson(res)).error).toContain('424242');
    expect(b.gitlab.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    const get = await fetch(`${b.url}/escalations/424242`, {
      headers: { authorization: 'Bearer bridge-key-0123456789abcdef' },
    });
    expect(get.status).toBe(404);
  });

  it.each([
    ['no body', undefined, 400],
    ['not JSON', '{ticketId: 1', 400],
    ['a negative id', JSON.stringify({ ticketId: -1 }), 400],
    ['a string dryRun', JSON.stringify({ ticketId: 1, dryRun: 'no' }), 400],
  ])('refuses %s with 400', async (_name, text, status) => {
    b = await startBridge();
    const res = await fetch(`${b.url}/escalations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer bridge-key-0123456789abcdef' },
      ...(text === undefined ? {} : { body: text }),
    });
    expect(res.status).toBe(status);
    expect((await readJson(res)).error).toBeTruthy();
    expect(b.gitlab.requests).toEqual([]);
  });

  it('dry run answers what it would create and writes nothing anywhere', async () => {
    b = await startBridge({
      config: { BRIDGE_MAX_ATTACHMENT_BYTES: 1024 * 1024, BRIDGE_LINK_FIELD: 'cf_gitlab_issue' },
    });
    const { ticket } = seedTicket(b.freshdesk, {
      conversations: 5,
      ticketAttachments: [
        { name: 'a.txt', content: 'x' },
        { name: 'big.bin', size: 2 * 1024 * 1024 },
      ],
      conversationAttachments: { 0: [{ name: 'b.txt', content: 'y' }] },
    });
    const res = await b.escalate(ticket.id, { dryRun: true });
    const body = await readJson(res);
    expect(res.status).toBe(200);
    expect(body).toMatchObject({
      dryRun: true,
      created: false,
      issue: null,
      wouldCreate: { title: `[FD#${ticket.id}] Export hangs at 99%` },
      wouldCopy: { conversations: 5, attachments: 2 },
      skipped: [{ name: 'big.bin', from: 'ticket' }],
    });
    expect(body.wouldCreate.description).toContain(`<!-- freshdesk-ticket:${ticket.id} -->`);
    expect(b.gitlab.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(b.freshdesk.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(b.freshdesk.requests.filter((r) => r.host === 'attachments')).toEqual([]);
    expect(b.gitlab.state(b.project.id).issues).toEqual([]);
    expect(b.freshdesk.ticket(ticket.id)!.conversations).toHaveLength(5);
  });
});

describe('duplicates and resume', () => {
  it('a second escalation answers 200 with the same issue and copies nothing again', async () => {
    b = await startBridge();
    const { ticket } = seedTicket(b.freshdesk, {
      conversations: 4,
      ticketAttachments: [{ name: 'a.txt', content: 'a' }],
    });
    const first = await b.escalate(ticket.id);
    expect(first.status).toBe(201);
    const one = await readJson(first);
    const second = await b.escalate(ticket.id);
    expect(second.status).toBe(200);
    expect(await readJson(second)).toEqual({
      issue: one.issue,
      created: false,
      copied: { conversations: 0, attachments: 0 },
      skipped: [],
    });
    expect(b.gitlab.state(b.project.id).issues).toHaveLength(1);
    expect(b.notes(one.issue.iid)).toHaveLength(4);
    expect(b.gitlab.state(b.project.id).uploads).toHaveLength(1);
    expect(bridgeNotes(b.freshdesk.ticket(ticket.id)!)).toHaveLength(1);

    const got = await fetch(`${b.url}/escalations/${ticket.id}`, {
      headers: { authorization: 'Bearer bridge-key-0123456789abcdef' },
    });
    expect(await readJson(got)).toEqual({ issue: { ...one.issue, state: 'open' } });
  });

  it('two escalations at once make one issue', async () => {
    b = await startBridge();
    const { ticket } = seedTicket(b.freshdesk, { conversations: 10 });
    const [r1, r2] = await Promise.all([b.escalate(ticket.id), b.escalate(String(ticket.id))]);
    expect([r1.status, r2.status].sort()).toEqual([200, 201]);
    const [j1, j2] = await Promise.all([readJson(r1), readJson(r2)]);
    expect(j1.issue).toEqual(j2.issue);
    expect(b.gitlab.state(b.project.id).issues).toHaveLength(1);
    expect(b.notes(j1.issue.iid)).toHaveLength(10);
    expect(bridgeNotes(b.freshdesk.ticket(ticket.id)!)).toHaveLength(1);
  });

  it('resumes a copy that failed after 40 notes without repeating one', async () => {
    b = await startBridge();
    // conversation 41 carries an attachment: its (slowed) download marks the moment 40 notes are in
    const { ticket, conversations } = seedTicket(b.freshdesk, {
      conversations: 60,
      conversationAttachments: { 40: [{ name: 'marker.txt', content: 'forty-one' }] },
    });
    const marker = conversations[40]!.attachments[0]!;
    b.freshdesk.injectFault({ host: 'attachments', path: `/${marker.id}/`, latencyMs: 400 });
    const pending = b.escalate(ticket.id);
    await waitFor(() => b.freshdesk.requests.some((r) => r.host === 'attachments'), {
      intervalMs: 5,
      what: 'the marker download to start',
    });
    b.gitlab.injectFault({ status: 503, times: 50, method: 'POST', path: /\/notes$/ });
    const failed = await pending;
    expect(failed.status).toBe(503);
    expect((await readJson(failed)).error).toMatch(/escalate again to resume/);
    const issue = b.gitlab.state(b.project.id).issues[0]!;
    expect(b.notes(issue.iid)).toHaveLength(40);
    expect(bridgeNotes(b.freshdesk.ticket(ticket.id)!)).toHaveLength(0);

    b.gitlab.clearFaults();
    const resumed = await b.escalate(ticket.id);
    expect(resumed.status).toBe(200);
    expect(await readJson(resumed)).toMatchObject({ created: false, copied: { conversations: 20 } });
    const ids = b.notes(issue.iid).map((n) => conversationIdFromMarker(n.body));
    expect(ids).toEqual(conversations.map((c) => c.id));
    expect(b.notes(issue.iid)[40]!.body).toContain('marker.txt');
    expect(bridgeNotes(b.freshdesk.ticket(ticket.id)!)).toHaveLength(1);

    const third = await b.escalate(ticket.id);
    expect(await readJson(third)).toMatchObject({
      created: false,
      copied: { conversations: 0, attachments: 0 },
    });
    expect(b.notes(issue.iid)).toHaveLength(60);
    expect(bridgeNotes(b.freshdesk.ticket(ticket.id)!)).toHaveLength(1);
    expect(b.gitlab.state(b.project.id).issues).toHaveLength(1);
  });

  it('copies conversations added after the escalation on the next click', async () => {
    b = await startBridge();
    const { ticket } = seedTicket(b.freshdesk, { conversations: 3 });
    const first = await readJson(await b.escalate(ticket.id));
    b.freshdesk.addConversation(ticket.id, {
      body: '<p>one more thing</p>',
      incoming: true,
      createdAt: '2024-03-02T10:00:00Z',
    });
    const again = await readJson(await b.escalate(ticket.id));
    expect(again.copied.conversations).toBe(1);
    const notes = b.notes(first.issue.iid);
    expect(notes).toHaveLength(4);
    expect(notes[3]!.body).toContain('one more thing');
    // the bridge's own private note is never copied back to GitLab
    expect(notes.some((n) => n.body.includes('Escalated to GitLab'))).toBe(false);
  });
});

describe('rate limits', () => {
  // The clients' waits are recorded, not slept: what they asked to wait is what is asserted.
  it('waits out 429s from GitLab (Retry-After) and succeeds', async () => {
    const waits: number[] = [];
    b = await startBridge({ gitlabRetry: { sleep: async (ms) => void waits.push(ms) } });
    const { ticket } = seedTicket(b.freshdesk, { conversations: 3 });
    b.gitlab.injectFault({ status: 429, retryAfter: 1, times: 2, method: 'POST', path: /\/notes$/ });
    const res = await b.escalate(ticket.id);
    expect(res.status).toBe(201);
    // Retry-After: 1, plus up to one backoff step (5 ms), twice
    expect(waits).toHaveLength(2);
    for (const ms of waits) expect(ms).toBeGreaterThanOrEqual(1000);
    const body = await readJson(res);
    expect(b.notes(body.issue.iid)).toHaveLength(3);
    expect(b.gitlab.requests.filter((r) => r.status === 429)).toHaveLength(2);
  });

  it('waits out 429s from Freshdesk (Retry-After) and succeeds', async () => {
    const waits: number[] = [];
    b = await startBridge({ freshdeskRetry: { sleep: async (ms) => void waits.push(ms) } });
    const { ticket } = seedTicket(b.freshdesk, { conversations: 3 });
    b.freshdesk.injectFault({ status: 429, retryAfter: 1, times: 2, host: 'api', path: '/conversations' });
    const res = await b.escalate(ticket.id);
    expect(res.status).toBe(201);
    expect(waits).toHaveLength(2);
    for (const ms of waits) expect(ms).toBeGreaterThanOrEqual(1000);
    expect(b.notes((await readJson(res)).issue.iid)).toHaveLength(3);
    expect(b.freshdesk.requests.filter((r) => r.status === 429)).toHaveLength(2);
  });
});
