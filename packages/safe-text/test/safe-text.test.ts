import { codeBlock, escapeMarkdown, escapeText, inlineCode } from '../src';
import { htmlComments, liveMentions, quickActions, renderMarkdown, visibleText } from '@devops/testkit';

/** The one table of hostile inputs: each acts in GitLab when posted as it is. */
const hostile: { name: string; text: string }[] = [
  { name: 'quick action on its own line', text: 'Hello\n/close\nthanks' },
  { name: 'several quick actions', text: '/confidential\n/label ~security\n/move other/project' },
  { name: 'quick action after CRLF', text: 'Hello\r\n/assign @root\r\n' },
  { name: 'quick action in capitals, trailing spaces', text: 'ok\n/CLOSE   \n' },
  { name: 'mention of everyone', text: '@all please look' },
  { name: 'mention of a group mid-sentence', text: 'cc (@support-team/leads), thanks' },
  { name: 'hidden marker look-alike', text: 'text\n<!-- race-reporter fingerprint=abc -->' },
  { name: 'entity-spelled mention', text: 'ping &#64;all and &#x40;root' },
  { name: 'unclosed tilde fence hiding a command', text: 'see\n~~~\n/close\n@all' },
  { name: 'fence closed early by its content', text: '```\n```\n/close @all\n```' },
];

describe('escapeMarkdown', () => {
  it.each(hostile)('$name: acts when posted raw', ({ text }) => {
    // The detectors are not vacuous: each raw input does something in GitLab.
    const acts = quickActions(text).length + liveMentions(text).length + htmlComments(text).length;
    expect(acts).toBeGreaterThan(0);
  });

  it.each(hostile)('$name: no quick action, mention or comment once escaped', ({ text }) => {
    const safe = escapeMarkdown(text);
    expect(quickActions(safe)).toEqual([]);
    expect(liveMentions(safe)).toEqual([]);
    expect(htmlComments(safe)).toEqual([]);
  });

  it.each(hostile)('$name: still reads as written', ({ text }) => {
    const words = text.match(/[\p{L}\p{N}@/~#&;<>!=-]+/gu) ?? [];
    const seen = visibleText(escapeMarkdown(text));
    for (const word of words.filter((w) => !/^(`+|~+)$/.test(w))) expect(seen).toContain(word);
  });

  it('keeps formatting, code spans, links and code blocks as they were', () => {
    const text =
      '**Bold** and `code <b> @x` and [docs](https://example.com/@me)\n\n```js\nconst a = "<b>";\n```';
    const safe = escapeMarkdown(text);
    expect(renderMarkdown(safe)).toContain('<strong>Bold</strong>');
    expect(renderMarkdown(safe)).toContain('<code>code &lt;b&gt; @x</code>');
    expect(renderMarkdown(safe)).toContain('href="https://example.com/@me"');
    expect(renderMarkdown(safe)).toContain(
      '<code class="language-js">const a = &quot;&lt;b&gt;&quot;;\n</code>',
    );
  });

  it('leaves e-mail addresses alone', () => {
    expect(escapeMarkdown('mail support@example.com')).toBe('mail support@example.com');
  });
});

describe('escapeText', () => {
  const plain = [
    'report [final](javascript:alert(1)).pdf',
    '`@all` ``` break ```',
    '/close',
    '<!-- bridge:ticket=1 --> *x* _y_ #1 ~label !2',
    'C:\\temp\\a&b.txt',
    'line one\n/assign @root',
  ];
  it.each(plain)('%j renders as exactly itself and does nothing', (text) => {
    const safe = escapeText(text);
    expect(quickActions(safe)).toEqual([]);
    expect(liveMentions(safe)).toEqual([]);
    expect(htmlComments(safe)).toEqual([]);
    expect(renderMarkdown(safe)).not.toMatch(/<(a|code|em|strong)\b/);
    expect(
      visibleText(safe)
        .trim()
        .replace(/\s*\n\s*/g, '\n'),
    ).toBe(text);
  });
});

describe('inlineCode and codeBlock', () => {
  it.each(['plain', 'a`b', '``x``', '`', ' padded ', 'two\nlines @all', '@all'])(
    'inlineCode(%j) is one code span holding the text',
    (text) => {
      const html = renderMarkdown(inlineCode(text)).trim();
      const expected = text.replace(/\n/g, ' ');
      expect(html).toBe(`<p><code>${expected.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</code></p>`);
      expect(liveMentions(inlineCode(text))).toEqual([]);
    },
  );

  it.each([
    'plain',
    '```\n/close\n```',
    'a ```` b\n`````',
    '/close\n@all\n<!-- marker -->',
    '\r\nwindows\r\n',
  ])('codeBlock(%j) is one code block: nothing inside acts or escapes', (text) => {
    const safe = codeBlock(text, 'text');
    const html = renderMarkdown(safe);
    expect(html.match(/<pre>/g)).toHaveLength(1);
    expect(html.trim().endsWith('</code></pre>')).toBe(true);
    expect(quickActions(safe)).toEqual([]);
    expect(liveMentions(safe)).toEqual([]);
    expect(htmlComments(safe)).toEqual([]);
    expect(visibleText(safe).replace(/\n+$/, '')).toBe(text.replace(/\r\n|\r/g, '\n').replace(/\n+$/, ''));
  });

  it('keeps text after a code block escaped: a block does not shield what follows', () => {
    const safe = `${codeBlock('x')}\n${escapeMarkdown('/close\n@all')}`;
    expect(quickActions(safe)).toEqual([]);
    expect(liveMentions(safe)).toEqual([]);
  });
});
