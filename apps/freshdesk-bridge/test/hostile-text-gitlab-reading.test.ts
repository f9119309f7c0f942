import {
  externalLoads,
  liveMentions,
  quickActions,
  rawHtml,
  renderMarkdown,
  visibleText,
} from '@devops/testkit';
import { convertHtmlToMarkdown } from '../src/render/convert-html-to-markdown';
import { MAX_TEXT_CHARS } from '../src/render/truncate-markdown';
import { ticketMarker, conversationMarker } from '../src/render/markers';
import { readJson, startBridge, type Bridge } from './helpers/start-bridge';

let b: Bridge;
afterEach(async () => {
  await b?.close();
});

/** Everything GitLab would do with a text: run, notify, render as HTML, load. */
const actions = (text: string) => [
  ...quickActions(text),
  ...liveMentions(text),
  ...rawHtml(text),
  ...externalLoads(text),
];

/**
 * Issue 22's inputs, as Freshdesk HTML (a ticket's description or a reply),
 * each with the Markdown an agent's paste would put in GitLab as it is: each
 * row is first shown to act there, as GitLab reads it.
 */
const rows: { name: string; html: string; raw: string }[] = [
  { name: '](@all)', html: '<p>see ](@all) now</p>', raw: 'see ](@all) now' },
  { name: '](@root)', html: '<p>x](@root)</p>', raw: 'x](@root)' },
  {
    name: '[click](@security-team)',
    html: '<a href="@security-team">click</a>',
    raw: '[click](@security-team)',
  },
  { name: 'café@all', html: '<p>café@all</p>', raw: 'café@all' },
  { name: 'Жа@root', html: '<p>Жа@root</p>', raw: 'Жа@root' },
  {
    name: '日本@security-team/leads',
    html: '<p>日本@security-team/leads</p>',
    raw: '日本@security-team/leads',
  },
  {
    name: '<img src=https://tracker…>',
    html: '<p>hi <img src="https://tracker.example/open.gif?t=1"></p>',
    raw: 'hi <img src="https://tracker.example/open.gif?t=1">',
  },
  {
    name: '![](https://…)',
    html: '<p>![](https://tracker.example/open.gif)</p>',
    raw: '![](https://tracker.example/open.gif)',
  },
  {
    name: '<details>',
    html: '<p>&lt;details&gt;&lt;summary&gt;x&lt;/summary&gt;/close&lt;/details&gt;</p>',
    raw: '<details><summary>x</summary>/close</details>',
  },
  {
    name: '<!--',
    html: '<p>a</p><p>&lt;!-- hide the rest</p><p>/close</p>',
    raw: 'a\n\n<!-- hide the rest\n\n/close',
  },
  {
    name: 'code span paired across lines',
    html: '<p>x <code>`</code><br><code>&lt;img src=https://tracker.example/p.gif&gt;</code> y</p>',
    raw: 'x `\n`<img src=https://tracker.example/p.gif>` y',
  },
];

describe('issue 22: hostile text, end to end through the bridge, read back as GitLab reads it', () => {
  it.each(rows)('$name acts when posted raw', ({ raw }) => {
    expect(actions(raw).length).toBeGreaterThan(0);
  });

  it('every row, in a ticket and in a reply: nothing acts in the issue, the words still read as written', async () => {
    b = await startBridge();
    const ticket = b.freshdesk.addTicket({
      subject: 'café@all',
      description: rows.map((r) => r.html).join(''),
    });
    const reply = b.freshdesk.addConversation(ticket.id, {
      body: rows.map((r) => r.html).join(''),
      incoming: true,
    });
    const res = await b.escalate(ticket.id);
    expect(res.status).toBe(201);
    const issue = b.gitlab.state(b.project.id).issues[0]!;
    const description = issue.description ?? '';
    const notes = b.notes(issue.iid);
    expect(notes).toHaveLength(1);
    expect(actions(description)).toEqual([ticketMarker(ticket.id)]);
    expect(actions(notes[0]!.body)).toEqual([conversationMarker(reply.id)]);
    expect(issue.state).toBe('opened');
    const seen = visibleText(description);
    for (const words of [
      '](@all)',
      'café@all',
      'Жа@root',
      '日本@security-team/leads',
      '<details>',
      '<!-- hide the rest',
    ]) {
      expect(seen).toContain(words);
    }
    // the images are links to where they were, loading nothing
    expect(renderMarkdown(description)).toContain('href="https://tracker.example/open.gif?t=1"');
  });

  it('a long ticket: a <pre> holding /close and /label ~"wontfix", then ~900 KB, is cut balanced', async () => {
    const log = Array.from(
      { length: 12_000 },
      (_, i) => `${String(i).padStart(6, '0')} ${'x'.repeat(74)}`,
    ).join('\n');
    const html = `<p>logs:</p><pre>/close\n/label ~"wontfix"\n${log}\n</pre><p>end</p>`;
    // posted the way the bridge used to cut it (the escaped text sliced to the limit), it closes the issue
    const naive = convertHtmlToMarkdown(html).slice(0, MAX_TEXT_CHARS);
    expect(quickActions(naive)).toEqual(['close', 'label']);

    b = await startBridge();
    const ticket = b.freshdesk.addTicket({ subject: 'long', description: html });
    const res = await b.escalate(ticket.id);
    expect(res.status).toBe(201);
    expect((await readJson(res)).created).toBe(true);
    const issue = b.gitlab.state(b.project.id).issues[0]!;
    const description = issue.description ?? '';
    expect(description.length).toBeLessThanOrEqual(MAX_TEXT_CHARS);
    expect(description).toContain('(cut: too long for GitLab');
    expect(quickActions(description)).toEqual([]);
    expect(liveMentions(description)).toEqual([]);
    expect(issue.labels).not.toContain('wontfix');
    // the code block is closed before the note about the cut: that note is text, not code
    expect(renderMarkdown(description)).toMatch(/<\/code><\/pre>\s*<p>… \(cut: too long for GitLab/);
  }, 60_000);
});
