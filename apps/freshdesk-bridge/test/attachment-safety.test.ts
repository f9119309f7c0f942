import { createHash } from 'node:crypto';
import { startFreshdeskDouble, startGitLabDouble, type FreshdeskDouble } from '@devops/testkit';
import { readJson, startBridge, type Bridge } from './helpers/start-bridge';
import { seedTicket } from './helpers/seed-ticket';

let b: Bridge;
const doubles: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await b?.close();
  await Promise.all(doubles.splice(0).map((d) => d.close()));
});

/** Downloads the storage host has seen so far (each is logged before its link is judged). */
const downloadsOf = (freshdesk: FreshdeskDouble) =>
  freshdesk.requests.filter((r) => r.host === 'attachments').length;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('attachments: what is uploaded is what was downloaded', () => {
  it.each([
    ['larger', 'x'.repeat(1000), 10],
    ['smaller', 'y'.repeat(10), 1000],
  ])(
    'an attachment served %s than Freshdesk declared is uploaded whole, with its real byte count',
    async (_, content, declared) => {
      b = await startBridge();
      const { ticket } = seedTicket(b.freshdesk, {
        conversations: 0,
        ticketAttachments: [{ name: 'report.bin', content, declaredSize: declared }],
      });
      const res = await b.escalate(ticket.id);
      const body = await readJson(res);
      expect(res.status).toBe(201);
      expect(body.copied.attachments).toBe(1);
      const [upload] = b.gitlab.state(b.project.id).uploads;
      expect(upload!.size).toBe(content.length);
      expect(upload!.sha256).toBe(sha256(content));
      const issue = b.gitlab.state(b.project.id).issues[0]!;
      expect(issue.description).toContain(`(/uploads/${upload!.secret}/report.bin) (${content.length} B)`);
    },
  );

  it('drops a content type that is not type/subtype (CRLF in it); a good one is kept without parameters', async () => {
    b = await startBridge();
    const { ticket } = seedTicket(b.freshdesk, {
      conversations: 0,
      ticketAttachments: [
        { name: 'evil.dat', content: 'a', contentType: 'text/plain\r\nX-Injected: 1' },
        { name: 'shot.png', content: 'b', contentType: 'Image/PNG; name="shot.png"' },
      ],
    });
    expect((await b.escalate(ticket.id)).status).toBe(201);
    const uploads = b.gitlab.state(b.project.id).uploads;
    expect(uploads.map((u) => [u.filename, u.contentType])).toEqual([
      ['evil.dat', 'application/octet-stream'],
      ['shot.png', 'image/png'],
    ]);
    const issue = b.gitlab.state(b.project.id).issues[0]!;
    expect(issue.description).toContain(`- ![shot\\.png](/uploads/${uploads[1]!.secret}/shot.png)`);
  });
});

describe('attachments: expired links and uploads GitLab refuses', () => {
  it('an expired link (403 from the storage host) is fetched again through a fresh read of the ticket', async () => {
    const start = Date.parse('2024-06-01T12:00:00Z');
    // the double's clock jumps past the links' minute as the first download arrives: every link read
    // before it has expired; links handed out by later reads are fresh
    const freshdesk: FreshdeskDouble = await startFreshdeskDouble({
      attachmentLinkTtlMs: 60_000,
      now: () => (downloadsOf(freshdesk) > 0 ? start + 61_000 : start),
    });
    doubles.push(freshdesk);
    b = await startBridge({ freshdeskDouble: freshdesk });
    const { ticket } = seedTicket(freshdesk, {
      conversations: 1,
      ticketAttachments: [{ name: 'a.txt', content: 'ticket file' }],
      conversationAttachments: { 0: [{ name: 'c.txt', content: 'conversation file' }] },
    });
    const res = await b.escalate(ticket.id);
    const body = await readJson(res);
    expect(res.status).toBe(201);
    expect(body).toMatchObject({ copied: { conversations: 1, attachments: 2 }, skipped: [] });
    const uploads = b.gitlab.state(b.project.id).uploads;
    expect(uploads.map((u) => [u.filename, u.sha256])).toEqual([
      ['a.txt', sha256('ticket file')],
      ['c.txt', sha256('conversation file')],
    ]);
    const statuses = freshdesk.requests.filter((r) => r.host === 'attachments').map((r) => r.status);
    expect(statuses).toEqual([403, 200, 403, 200]);
    expect(b.notes(body.issue.iid)[0]!.body).toContain(`/uploads/${uploads[1]!.secret}/c.txt`);
  });

  it('a link that stays expired even fresh from the ticket is listed as skipped; the escalation completes', async () => {
    const start = Date.parse('2024-06-01T12:00:00Z');
    // every download arrives a minute after the read that handed out its link
    const freshdesk: FreshdeskDouble = await startFreshdeskDouble({
      attachmentLinkTtlMs: 60_000,
      now: () => start + downloadsOf(freshdesk) * 61_000,
    });
    doubles.push(freshdesk);
    b = await startBridge({ freshdeskDouble: freshdesk });
    const { ticket } = seedTicket(freshdesk, {
      conversations: 1,
      ticketAttachments: [{ name: 'late.txt', content: 'never' }],
    });
    const res = await b.escalate(ticket.id);
    const body = await readJson(res);
    expect(res.status).toBe(201);
    expect(body.copied).toEqual({ conversations: 1, attachments: 0 });
    expect(body.skipped).toEqual([
      expect.objectContaining({
        name: 'late.txt',
        from: 'ticket',
        reason: expect.stringContaining('expired'),
      }),
    ]);
    expect(freshdesk.requests.filter((r) => r.host === 'attachments').map((r) => r.status)).toEqual([
      403, 403,
    ]);
    expect(b.gitlab.state(b.project.id).uploads).toHaveLength(0);
  });

  it('an attachment GitLab refuses as too large (413) is skipped with GitLab’s reason; the others are copied', async () => {
    const gitlab = await startGitLabDouble({ maxAttachmentBytes: 1000 });
    doubles.push(gitlab);
    b = await startBridge({ gitlabDouble: gitlab });
    const { ticket } = seedTicket(b.freshdesk, {
      conversations: 1,
      ticketAttachments: [
        { name: 'big.bin', size: 5000 },
        { name: 'small.txt', content: 'fits' },
      ],
    });
    const res = await b.escalate(ticket.id);
    const body = await readJson(res);
    expect(res.status).toBe(201);
    expect(body.copied).toEqual({ conversations: 1, attachments: 1 });
    expect(body.skipped).toEqual([
      expect.objectContaining({
        name: 'big.bin',
        reason: expect.stringMatching(/GitLab refused it as too large.*413/),
      }),
    ]);
    expect(b.gitlab.state(b.project.id).uploads.map((u) => u.filename)).toEqual(['small.txt']);
    const issue = b.gitlab.state(b.project.id).issues[0]!;
    expect(issue.description).toMatch(/big\\\.bin \(4\.9 KB\) — not copied: GitLab refused it as too large/);
    // a second call finds nothing left to do and does not retry the refused upload
    const again = await b.escalate(ticket.id);
    expect(again.status).toBe(200);
    expect(b.gitlab.state(b.project.id).issues).toHaveLength(1);
  });
});
