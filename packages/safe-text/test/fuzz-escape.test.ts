import { codeBlock, escapeMarkdown, escapeText, inlineCode } from '../src';
import { externalLoads, liveMentions, quickActions, rawHtml } from '@devops/testkit';

/** Pieces attackers use; documents are random sequences of them, seeded so a failure can be replayed. */
const PIECES = [
  '/close',
  '/label ~"wontfix"',
  '/assign @root',
  '/CLOSE ',
  '@all',
  '@root',
  'café@all',
  'Жа@root',
  '日本@security-team/leads',
  '](@all)',
  '[click](@security-team)',
  '_a_',
  '*',
  '`',
  '``',
  '```',
  '````',
  '~~~',
  '<pre>',
  '</pre>',
  '<details>',
  '<!--',
  '-->',
  '<img src=https://t.example/p.gif>',
  '![](https://t.example/p.gif)',
  '![',
  '[x]',
  '(y)',
  '\\',
  '&#64;',
  '&',
  '>>>',
  '> ',
  '    ',
  '\t',
  '- ',
  '1. ',
  '#',
  'text',
  'a',
  ' ',
  '\n',
  '\n',
  '\n\n',
  '\r\n',
  '\u2028',
  '|',
  '---',
];

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function document(next: () => number): string {
  const n = 1 + Math.floor(next() * 24);
  let doc = '';
  for (let i = 0; i < n; i++) doc += PIECES[Math.floor(next() * PIECES.length)];
  return doc;
}

/** JSON with every non-ASCII character escaped, so invisible ones show in a failure. */
const show = (s: string) =>
  JSON.stringify(s).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const acts = (text: string) => [
  ...quickActions(text),
  ...liveMentions(text),
  ...rawHtml(text),
  ...externalLoads(text),
];

describe('12,000 random hostile documents', () => {
  it.each([0, 1, 2, 3])('batch %i of 3,000: nothing acts once escaped', (batch) => {
    const next = random(22 + batch);
    const failures: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const doc = document(next);
      const posted = [
        escapeMarkdown(doc),
        `x ${escapeText(doc)}`,
        `${escapeMarkdown(doc)}\n${codeBlock(doc)}\n${escapeMarkdown(doc)}`,
        `${inlineCode(doc)} ${escapeText(doc)}`,
      ];
      for (const text of posted) {
        const found = acts(text);
        if (found.length) failures.push(`${show(doc)} posted as ${show(text)}: ${found.join(', ')}`);
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
  });
});
