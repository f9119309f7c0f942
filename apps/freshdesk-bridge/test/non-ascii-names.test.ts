import { liveMentions, visibleText } from '@devops/testkit';
import { readJson, startBridge, type Bridge } from './helpers/start-bridge';
import { seedTicket, sourceSha256 } from './helpers/seed-ticket';

let b: Bridge;
afterEach(async () => {
  await b?.close();
});

// Characters above U+00FF once hung version-check (a header Node refused). The bridge puts a ticket's
// subject into the issue title and an attachment's name into a multipart upload and a link.
describe('the bridge with names that are not plain ASCII', () => {
  it('copies a ticket whose subject and attachment names are Cyrillic, CJK and emoji', async () => {
    b = await startBridge();
    const subject = 'Жа@root 日本 экспорт 😀';
    const { ticket, conversations } = seedTicket(b.freshdesk, {
      conversations: 2,
      subject,
      ticketAttachments: [{ name: 'отчёт 日本.txt', content: 'строка\n' }],
      conversationAttachments: { 1: [{ name: 'Жа😀.log', size: 4_096 }] },
    });

    const res = await b.escalate(ticket.id);
    const body = await readJson(res);
    expect(res.status).toBe(201);
    expect(body).toMatchObject({ created: true, copied: { conversations: 2, attachments: 2 }, skipped: [] });

    const issue = b.gitlab.state(b.project.id).issues[0]!;
    expect(visibleText(issue.title)).toContain('日本 экспорт 😀');
    // GitLab keeps letters of any script in an upload's name and makes the rest `_` (CarrierWave)
    const stored = ['отчёт_日本.txt', 'Жа_.log'];
    const uploads = b.gitlab.state(b.project.id).uploads;
    expect(uploads.map((u) => u.filename).sort()).toEqual([...stored].sort());
    const texts = [issue.description ?? '', b.notes(issue.iid)[1]!.body];
    const sources = [ticket.attachments[0]!, conversations[1]!.attachments[0]!];
    for (const [i, a] of sources.entries()) {
      const upload = uploads.find((u) => u.filename === stored[i])!;
      expect(upload.size).toBe(a.size);
      expect(upload.sha256).toBe(await sourceSha256(b.freshdesk, a.id));
      // the link percent-encodes what is not plain ASCII (format-attachment-list.ts)
      expect(texts[i]).toContain(`(/uploads/${upload.secret}/${encodeURIComponent(stored[i]!)})`);
      expect(visibleText(texts[i]!)).toContain(a.name);
      expect(liveMentions(texts[i]!)).toEqual([]);
    }
  });
});
