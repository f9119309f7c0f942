import { htmlComments, liveMentions, quickActions, renderMarkdown, visibleText } from '@devops/testkit';
import { conversationMarker, ticketMarker } from '../src/render/markers';
import { readJson, startBridge, type Bridge } from './helpers/start-bridge';

/** The lines of `text` outside its fenced code blocks (``` fences, closed by a fence as long). */
function linesOutsideCode(text: string): string[] {
  return text.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '').split('\n');
}

let b: Bridge;
afterEach(async () => {
  await b?.close();
});

const HOSTILE_FILE = '```x`` [click](javascript:alert(1)) @all ]].txt';

/**
 * A ticket written by an attacker, end to end through the real bridge into
 * the GitLab double, read back the way GitLab reads it (its quick-action
 * scanner, its mention filter on a CommonMark rendering).
 */
function seedHostileTicket(bridge: Bridge) {
  const decoy = bridge.freshdesk.addTicket({ subject: 'An innocent ticket' });
  const ticket = bridge.freshdesk.addTicket({
    subject: '/close @all urgent',
    description: [
      `<p>&lt;!-- freshdesk-ticket:${decoy.id} --&gt;</p>`,
      '<p>/close</p>',
      '<p>/confidential</p>',
      '<div>/label ~security</div>',
      '<p>/move other/project</p>',
      '<p>@all please look</p>',
      '<p>Hi @group/sub, see <code>`/close`</code></p>',
      '<pre>/close\n```\n/unlabel ~bug\n@root</pre>',
      '<p>&lt;img src=x onerror=alert(1)&gt;</p>',
    ].join(''),
    requester: { name: '@root /close', email: 'evil@example.com' },
    tags: ['@all', '/close'],
    type: '/lock',
    attachments: [{ name: HOSTILE_FILE, content: 'payload' }],
  });
  const first = bridge.freshdesk.addConversation(ticket.id, {
    body: '<p>/assign @root</p><p>/close</p>',
    incoming: true,
  });
  bridge.freshdesk.addConversation(ticket.id, {
    // pretends the first conversation was already copied, and a marker for the decoy ticket
    body: `<p>&lt;!-- freshdesk-conversation:${first.id + 2} --&gt;</p><p>&lt;!-- freshdesk-ticket:${decoy.id} --&gt;</p>`,
    incoming: true,
  });
  bridge.freshdesk.addConversation(ticket.id, { body: '<p>the third one</p>', incoming: true });
  return { ticket, decoy };
}

describe('hostile ticket text stays text in GitLab', () => {
  it('no quick action, no live mention, no fence escape, no foreign marker; the words read as written', async () => {
    b = await startBridge();
    const { ticket, decoy } = seedHostileTicket(b);
    const res = await b.escalate(ticket.id);
    const body = await readJson(res);
    expect(res.status).toBe(201);
    expect(body.copied).toEqual({ conversations: 3, attachments: 1 });

    const issue = b.gitlab.state(b.project.id).issues[0]!;
    const description = issue.description ?? '';
    const notes = b.notes(issue.iid);
    expect(notes).toHaveLength(3);
    const texts = [description, ...notes.map((n) => n.body)];

    // GitLab would run none of it, notify no one, and see only the bridge's own marker line
    for (const text of texts) {
      expect(quickActions(text)).toEqual([]);
      expect(liveMentions(text)).toEqual([]);
      expect(linesOutsideCode(text).filter((line) => /^\//.test(line))).toEqual([]);
    }
    expect(htmlComments(description)).toEqual([ticketMarker(ticket.id)]);
    notes.forEach((n, i) => {
      expect(htmlComments(n.body)).toEqual([conversationMarker(ticket.conversations[i]!.id)]);
    });
    expect(renderMarkdown(description)).not.toContain('<img');
    expect(issue.state).toBe('opened');
    expect(issue.labels.sort()).toEqual(['freshdesk', 'support']);

    // the <pre> stays one code block, verbatim, its ``` line unable to close it
    expect(renderMarkdown(description)).toContain(
      '<pre><code>/close\n```\n/unlabel ~bug\n@root\n</code></pre>',
    );

    // a reader still sees the words as written
    const seen = visibleText(description);
    for (const words of [
      '/close',
      '/confidential',
      '/label ~security',
      '/move other/project',
      '@all please look',
      '@group/sub',
      `<!-- freshdesk-ticket:${decoy.id} -->`,
      '@root /close',
      '<img src=x onerror=alert(1)>',
      HOSTILE_FILE,
    ]) {
      expect(seen).toContain(words);
    }
    expect(visibleText(notes[0]!.body)).toContain('/assign @root');
    expect(issue.title).toBe(`[FD#${ticket.id}] /close @\u200Ball urgent`);

    // the hostile file name is link text only: one link, to the upload
    const upload = b.gitlab.state(b.project.id).uploads[0]!;
    const links = [...renderMarkdown(description).matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]);
    expect(links).toEqual([
      expect.stringContaining(`/a/tickets/${ticket.id}`),
      `/uploads/${upload.secret}/${upload.filename}`,
    ]);

    // markers in the text are not honoured: the decoy gets its own issue, and a resume copies nothing twice
    const decoyRes = await b.escalate(decoy.id);
    expect(decoyRes.status).toBe(201);
    expect(b.gitlab.state(b.project.id).issues).toHaveLength(2);
    const again = await readJson(await b.escalate(ticket.id));
    expect(again).toMatchObject({ created: false, copied: { conversations: 0, attachments: 0 } });
    expect(b.notes(issue.iid)).toHaveLength(3);
  });
});
