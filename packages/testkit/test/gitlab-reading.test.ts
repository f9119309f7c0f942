import {
  extractQuickActionsLegacy,
  extractQuickActionsModern,
  externalLoads,
  liveMentions,
  quickActions,
  rawHtml,
} from '../src';

/** The command names of GitLab's own extractor spec (`noop_command` is a no-op: not a name). */
const SPEC_NAMES = 'reopen|open|assign|labels|power|substitution|shrug';
const cmds = (list: { name: string; arg: string }[]) => list.map((q) => (q.arg ? [q.name, q.arg] : [q.name]));

/**
 * Examples from gitlabhq `spec/lib/gitlab/quick_actions/extractor_spec.rb` and
 * `spec/lib/banzai/pipeline/quick_action_pipeline_spec.rb`, with the commands
 * each extractor finds: `modern` as the current spec expects; `legacy` as the
 * spec of the whole-text regular expression expected (where the examples
 * differ, the current spec's change is what changed).
 */
const extractorExamples: { name: string; text: string; modern: string[][]; legacy?: string[][] }[] = [
  { name: 'no argument, at the start', text: '/reopen\nworld', modern: [['reopen']] },
  { name: 'no argument, in the middle', text: 'hello\n/reopen\nworld', modern: [['reopen']] },
  { name: 'in the middle of a line', text: 'hello\nworld /reopen', modern: [] },
  { name: 'no argument, at the end', text: 'hello\n/reopen', modern: [['reopen']] },
  { name: 'one argument', text: '/assign @joe\nworld', modern: [['assign', '@joe']] },
  { name: 'slash in arguments', text: '/assign @joe / @jane\nworld', modern: [['assign', '@joe / @jane']] },
  { name: 'argument not separated by a space', text: 'hello\n/assign@joe\nworld', modern: [] },
  {
    name: 'several arguments',
    text: 'hello\n/labels ~foo ~"bar baz" label\nworld',
    modern: [['labels', '~foo ~"bar baz" label']],
  },
  { name: 'no space before arguments', text: 'hello\n/labels~foo ~"bar baz" label\nworld', modern: [] },
  {
    name: 'case insensitive',
    text: 'hello\n/PoWer @user.name %9.10 ~"bar baz.2"\nworld',
    modern: [['power', '@user.name %9.10 ~"bar baz.2"']],
  },
  { name: 'noop command', text: 'hello\nworld\n/reopen\n/noop_command', modern: [['reopen']] },
  {
    name: 'substitutions',
    text: 'hello\nworld\n/reOpen\n/sHRuG this is great?',
    modern: [['reopen'], ['shrug', 'this is great?']],
  },
  {
    name: 'substitution in inline code',
    text: 'hello\nworld\n/reopen\n`/tableflip this is great`?',
    modern: [['reopen']],
  },
  {
    name: 'several commands',
    text: 'hello\n/power @user.name %9.10 ~"bar baz.2" label\nworld\n/reopen',
    modern: [['power', '@user.name %9.10 ~"bar baz.2" label'], ['reopen']],
  },
  { name: 'no command', text: 'Fixes #123', modern: [] },
  {
    name: 'command before inline code',
    text: '/reopen\n`some inline code`\n/labels ~a\n`more inline code`',
    modern: [['reopen'], ['labels', '~a']],
    legacy: [],
  },
  {
    name: 'command before a code block',
    text: '/reopen\n```\nsome blockcode\n```\n/labels ~a\n```\nmore blockcode\n```',
    modern: [['reopen'], ['labels', '~a']],
    legacy: [],
  },
  {
    name: 'inside a code block',
    text: 'Hello\r\n```\r\nThis is some text\r\n/close\r\n/assign @user\r\n```\r\n\r\nWorld',
    modern: [],
  },
  {
    name: 'inside a >>> blockquote',
    text: 'Hello\r\n>>>\r\nThis is some text\r\n/close\r\n/assign @user\r\n>>>\r\n\r\nWorld',
    modern: [],
  },
  {
    name: 'inside an HTML tag',
    text: 'Hello\r\n<div>\r\nThis is some text\r\n/close\r\n/assign @user\r\n</div>\r\n\r\nWorld',
    modern: [],
  },
  {
    name: 'multi-line inline code on separate rows',
    text: 'Hello\r\n`\r\nThis is some text\r\n/close\r\n/assign @user\r\n`\r\n\r\nWorld',
    modern: [],
  },
  {
    name: 'multi-line inline code starting from text',
    text: 'Hello `This is some text\r\n/close\r\n/assign @user\r\n`\r\n\r\nWorld',
    modern: [],
  },
  {
    name: 'inline code',
    text: '`This is some text\r\n/close\r\n/assign @user\r\n`\r\n\r\nWorld',
    modern: [],
  },
  {
    name: 'pipeline: after an HTML comment, before a blockquote',
    text: '<!-- HTML comment -->\n/open\n\n> a blockquote',
    modern: [['open']],
  },
  {
    name: 'pipeline: several, not in a multi-line blockquote',
    text: 'Lorem ipsum\n/open\n/power\n\n>>>\n/open\n>>>\n\n/power',
    modern: [['open'], ['power'], ['power']],
  },
  {
    name: 'pipeline: not in raw HTML with a sourcepos',
    text: '<p data-sourcepos="0:1-2:10">\n/open\n</p>',
    modern: [],
  },
];

describe('the GitLab reader follows gitlabhq: quick actions', () => {
  it.each(extractorExamples)('$name (current extractor)', ({ text, modern }) => {
    expect(cmds(extractQuickActionsModern(text, SPEC_NAMES))).toEqual(modern);
  });

  it.each(extractorExamples)('$name (whole-text extractor of GitLab 15–16)', ({ text, modern, legacy }) => {
    expect(cmds(extractQuickActionsLegacy(text, SPEC_NAMES))).toEqual(legacy ?? modern);
  });

  it.each([
    ['a line break GitLab does not know (U+2028) starts no line', 'hello\u2028/close', []],
    ['a quick action in a list item is not top-level', '- item\n  /close', []],
    ['indented four spaces: code', '    /close', []],
    ['a tilde fence is code for the parser, not for the old regex', '~~~\n/close\n~~~', ['close']],
    [
      'an unclosed fence hides nothing from the old regex',
      'x\n````\n/close\n/label ~"wontfix"',
      ['close', 'label'],
    ],
    ['a backslash-escaped command is text', 'x\n\\/close', []],
    ['an entity-spelled slash is text', '&#47;close', []],
  ])('%s', (_name, text, expected) => {
    expect(quickActions(text)).toEqual(expected);
  });

  it("does not backtrack for ever (GitLab's own 'fails fast' example)", () => {
    expect(quickActions('`' + '\n'.repeat(100_000))).toEqual([]);
    expect(quickActions('x\n'.repeat(20_000) + '/close')).toEqual(['close']);
  });
});

describe('the GitLab reader follows gitlabhq: mentions (User.reference_pattern, ASCII \\w)', () => {
  it.each([
    ['@user', ['user']],
    ['(@user)', ['user']],
    ['hey @alphA.Beta.', ['alphA.Beta']],
    ['@ping_pong_king', ['ping_pong_king']],
    ['@group/sub-group', ['group/sub-group']],
    ['@user.git', ['user.gi']],
    ['user@example.com', []],
    ['`@user`', []],
    ['```\n@user\n```', []],
    ['[text @user](https://example.com)', []],
    ['café@all', ['all']],
    ['Жа@root', ['root']],
    ['日本@security-team/leads', ['security-team/leads']],
    ['\\](@all)', ['all']],
    ['](@root)', ['root']],
    ['[click](@security-team)', ['security-team']],
    ['**x**@all', ['all']],
    ['&#64;all', ['all']],
    ['@\u200Ball', []],
    ['[click](@\u200Bsecurity-team)', []],
  ])('%j mentions %j', (text, expected) => {
    expect(liveMentions(text)).toEqual(expected);
  });
});

describe('the GitLab reader: HTML and what loads', () => {
  it('finds raw HTML and loaded images', () => {
    const text =
      '<details>x</details>\n\n<!-- c -->\n\n![a](https://tracker.example/p.gif) <img src=https://t.example/x>';
    expect(rawHtml(text)).toEqual(['<details>x</details>', '<!-- c -->', '<img src=https://t.example/x>']);
    expect(externalLoads(text)).toHaveLength(2);
  });
});
