import type { Conversation, Ticket } from '../src/render/model';
import { buildConversationNote } from '../src/render/build-conversation-note';
import { buildIssueDescription, buildIssueTitle } from '../src/render/build-issue-description';
import { convertHtmlToMarkdown } from '../src/render/convert-html-to-markdown';
import { conversationIdFromMarker, hasTicketMarker, ticketIdFromMarker } from '../src/render/markers';
import { truncateMarkdown } from '../src/render/truncate-markdown';

function ticket(over: Partial<Ticket> = {}): Ticket {
  return {
    id: 123,
    subject: 'Printer on fire',
    description: '<div>It <b>burns</b>.</div>',
    descriptionText: 'It burns.',
    status: 2,
    priority: 3,
    type: 'Incident',
    requesterId: 7,
    requester: { id: 7, name: 'Ada Lovelace', email: 'ada@example.com' },
    tags: ['printer', 'urgent'],
    customFields: {},
    createdAt: '2024-05-01T10:00:00Z',
    updatedAt: '2024-05-01T10:00:00Z',
    attachments: [],
    ...over,
  };
}

function conversation(over: Partial<Conversation> = {}): Conversation {
  return {
    id: 9001,
    ticketId: 123,
    body: '<p>Any news?</p>',
    bodyText: 'Any news?',
    private: false,
    incoming: true,
    source: 0,
    userId: 7,
    fromEmail: 'ada@example.com',
    toEmails: [],
    createdAt: '2024-05-02T08:30:00Z',
    updatedAt: '2024-05-02T08:30:00Z',
    attachments: [],
    ...over,
  };
}

describe('convertHtmlToMarkdown', () => {
  it.each([
    ['<p>Hello <b>world</b></p>', 'Hello **world**'],
    ['<ul><li>one</li><li>two</li></ul>', '-   one\n-   two'],
    ['<p>see <a href="https://example.com/x">the log</a></p>', 'see [the log](https://example.com/x)'],
    ['<pre><code>a &lt; b\n</code></pre>', '```\na < b\n```'],
    ['<h2>Steps</h2>', '## Steps'],
    ['<div>keep</div><script>alert(1)</script><style>p{}</style>', 'keep'],
    ['', ''],
    ['   ', ''],
    ['<p>a</p><!-- freshdesk-ticket:999 -->', 'a'],
    // hostile text stays text: quick actions, mentions, a <pre> that must stay code
    ['<p>/close<br>/label ~security</p>', '\\/close  \n\\/label ~security'],
    ['<p>@all please look</p>', '@\u200Ball please look'],
    ['<pre>/close\n@all</pre>', '```\n/close\n@all\n```'],
    ['<pre><code>```\n/close</code></pre>', '````\n```\n/close\n````'],
    ['<p>&lt;b&gt;bold&lt;/b&gt; &amp; more</p>', '&lt;b>bold&lt;/b> &amp; more'],
  ])('%j → %j', (html, md) => {
    expect(convertHtmlToMarkdown(html)).toBe(md);
  });

  it('escapes a marker typed as text, so ticket text cannot fake one', () => {
    const md = convertHtmlToMarkdown('<p>&lt;!-- freshdesk-ticket:999 --&gt;</p>');
    expect(md).not.toContain('<!--');
    expect(md).toContain('freshdesk-ticket:999');
  });
});

describe('issue title and description', () => {
  it('titles the issue [FD#id] subject, collapsing whitespace and keeping GitLab’s 255 limit', () => {
    expect(buildIssueTitle(ticket({ subject: '  Printer\n on   fire ' }))).toBe('[FD#123] Printer on fire');
    expect(buildIssueTitle(ticket({ subject: '' }))).toBe('[FD#123] (no subject)');
    expect(buildIssueTitle(ticket({ subject: 'x'.repeat(400) })).length).toBe(255);
  });

  it('starts with the marker and carries link, fields, Markdown description and attachments', () => {
    const t = ticket({ tags: ['a|b', 'c'] });
    const attachment = {
      id: 1,
      name: 'log.txt',
      contentType: 'text/plain',
      size: 2048,
      url: 'https://cdn/x',
      createdAt: null,
    };
    const big = {
      id: 2,
      name: 'dump.bin',
      contentType: null,
      size: 5 * 1024 ** 3,
      url: 'https://cdn/dump.bin',
      createdAt: null,
    };
    const d = buildIssueDescription({
      ticket: t,
      ticketUrl: 'https://acme.freshdesk.com/a/tickets/123',
      attachments: [
        { kind: 'copied', attachment, bytes: 2048, upload: { url: '/uploads/abc/log.txt', image: false } },
        { kind: 'skipped', attachment: big, reason: 'larger than the 100.0 MB limit' },
      ],
    });
    expect(d.split('\n')[0]).toBe('<!-- freshdesk-ticket:123 -->');
    expect(hasTicketMarker(d, 123)).toBe(true);
    expect(hasTicketMarker(d, 12)).toBe(false);
    expect(ticketIdFromMarker(d)).toBe(123);
    expect(d).toContain('[#123](https://acme.freshdesk.com/a/tickets/123)');
    for (const row of [
      '| Status | Open |',
      '| Priority | High |',
      '| Type | Incident |',
      '| Requester | Ada Lovelace \\<ada@example\\.com\\> |',
      '| Tags | a\\|b, c |',
      '| Created | 2024-05-01T10:00:00Z |',
    ]) {
      expect(d).toContain(row);
    }
    expect(d).toContain('It **burns**.');
    expect(d).toContain('- [log\\.txt](/uploads/abc/log.txt) (2.0 KB)');
    expect(d).toContain(
      '- dump\\.bin (5.0 GB) — not copied: larger than the 100\\.0 MB limit; [download it from Freshdesk](https://cdn/dump.bin)',
    );
  });

  it('names unknown statuses and priorities by number', () => {
    const d = buildIssueDescription({
      ticket: ticket({ status: 7, priority: 9, type: null, tags: [] }),
      ticketUrl: 'u',
      attachments: [],
    });
    expect(d).toContain('| Status | custom status 7 |');
    expect(d).toContain('| Priority | priority 9 |');
    expect(d).toContain('| Type | — |');
    expect(d).not.toContain('### Attachments');
  });
});

describe('conversation notes', () => {
  it('start with the conversation marker, then author, kind, time, body', () => {
    const note = buildConversationNote({
      conversation: conversation(),
      ticket: ticket(),
      ticketUrl: 'u',
      attachments: [],
    });
    const [first, , header, , body] = note.split('\n');
    expect(first).toBe('<!-- freshdesk-conversation:9001 -->');
    expect(conversationIdFromMarker(note)).toBe(9001);
    expect(header).toBe(
      '**Ada Lovelace \\<ada@example\\.com\\>** · public message from the customer · 2024-05-02T08:30:00Z',
    );
    expect(body).toBe('Any news?');
  });

  it.each([
    [
      { private: true, incoming: false, userId: 55, fromEmail: 'agent@acme.com' },
      '**\\<agent@acme\\.com\\>** · private note ·',
    ],
    [{ private: false, incoming: false, userId: 55, fromEmail: null }, '**user 55** · public reply ·'],
    [{ private: false, incoming: false, userId: null, fromEmail: null }, '**unknown** · public reply ·'],
  ])('describes %j', (over, expected) => {
    const note = buildConversationNote({
      conversation: conversation(over),
      ticket: ticket(),
      ticketUrl: 'u',
      attachments: [],
    });
    expect(note).toContain(expected);
  });

  it('falls back to the text body when the HTML is empty', () => {
    const note = buildConversationNote({
      conversation: conversation({ body: '', bodyText: 'plain [text]' }),
      ticket: ticket(),
      ticketUrl: 'u',
      attachments: [],
    });
    expect(note).toContain('plain \\[text\\]');
  });

  it('is cut below GitLab’s size limit with a pointer to Freshdesk', () => {
    const huge = `<p>${'word '.repeat(300_000)}</p>`;
    const note = buildConversationNote({
      conversation: conversation({ body: huge }),
      ticket: ticket(),
      ticketUrl: 'https://acme.freshdesk.com/a/tickets/123',
      attachments: [],
    });
    expect(note.length).toBeLessThanOrEqual(900_000);
    expect(note.startsWith('<!-- freshdesk-conversation:9001 -->\n')).toBe(true);
    expect(note).toContain('read the rest in [Freshdesk](https://acme.freshdesk.com/a/tickets/123)');
    expect(truncateMarkdown('short', 'u')).toBe('short');
  });
});
