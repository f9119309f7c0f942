import { codeBlock, escapeMarkdown, escapeText, inlineCode } from '../src';
import {
  externalLoads,
  htmlComments,
  liveMentions,
  quickActions,
  rawHtml,
  renderMarkdown,
  visibleText,
} from '@devops/testkit';

/** Everything GitLab would do with `text`: run, notify, render as HTML, load. */
function actions(text: string): string[] {
  return [...quickActions(text), ...liveMentions(text), ...rawHtml(text), ...externalLoads(text)];
}

/** The one table of hostile inputs: each acts in GitLab when posted as it is. */
const hostile: { name: string; text: string; target?: true }[] = [
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
  // issue 22: as GitLab reads text
  { name: 'link target mention ](@all)', text: 'see ](@all) now' },
  { name: 'link target mention ](@root)', text: 'x](@root)' },
  { name: 'link to a group [click](@security-team)', text: '[click](@security-team)', target: true },
  { name: 'mention after a non-ASCII letter (café@all)', text: 'café@all' },
  { name: 'mention after Cyrillic (Жа@root)', text: 'Жа@root' },
  { name: 'group mention after CJK (日本@security-team/leads)', text: '日本@security-team/leads' },
  { name: 'mention after emphasis (_a_@all)', text: '_a_@all' },
  { name: 'image tag from another host', text: 'pic <img src=https://tracker.example/p.gif>' },
  { name: 'Markdown image from another host', text: '![](https://tracker.example/p.gif)', target: true },
  { name: 'reference-style image', text: '![x][t]\n\n[t]: https://tracker.example/p.gif', target: true },
  {
    name: 'escaped backslash before an image',
    text: '\\\\![x](https://tracker.example/p.gif)',
    target: true,
  },
  { name: 'details tag', text: '<details><summary>x</summary>/close</details>' },
  { name: 'unclosed comment', text: 'a\n\n<!-- hide the rest\n/close' },
  { name: 'code span crossing lines', text: 'x `\n`<img src=https://tracker.example/p.gif>` y' },
  { name: 'indented line continuing a paragraph', text: 'text\n    <img src=https://tracker.example/p.gif>' },
  { name: 'code span paired across lines', text: 'x `\n`@all` y' },
];

describe('escapeMarkdown', () => {
  it.each(hostile)('$name: acts when posted raw', ({ text }) => {
    // The detectors are not vacuous: each raw input does something in GitLab.
    expect(actions(text).length).toBeGreaterThan(0);
  });

  it.each(hostile)('$name: no quick action, mention, HTML or image once escaped', ({ text }) => {
    expect(actions(escapeMarkdown(text))).toEqual([]);
  });

  // link and image targets are not visible text: for those rows, the words visible when posted raw
  it.each(hostile)('$name: still reads as written', ({ text: raw, target }) => {
    const text = target ? visibleText(raw) : raw;
    const words = text.match(/[\p{L}\p{N}@/~#&;<>!=-]+/gu) ?? [];
    const seen = visibleText(escapeMarkdown(raw));
    for (const word of words.filter((w) => !/^(`+|~+)$/.test(w))) expect(seen).toContain(word);
  });

  it('keeps formatting, code spans, links and code blocks as they were', () => {
    const text =
      '**Bold** and `code <b> @x` and [docs](https://example.com/@me)\n\n```js\nconst a = "<b>";\n```';
    const safe = escapeMarkdown(text);
    const html = renderMarkdown(safe).replace(/\u200B/g, '');
    expect(html).toContain('<strong>Bold</strong>');
    expect(html).toContain('<code>code &lt;b&gt; @x</code>');
    // the same URL: an `@` that could start a mention is percent-encoded in a link target
    expect(html).toContain('href="https://example.com/%40me"');
    expect(html).toContain('<code class="language-js">const a = &quot;&lt;b&gt;&quot;;\n</code>');
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
