import { codeBlock, cutMarkdown, escapeMarkdown } from '../src';
import { quickActions, renderMarkdown } from '@devops/testkit';

describe('cutMarkdown', () => {
  const log = Array.from({ length: 2000 }, (_, i) => `line ${i}`).join('\n');
  const text = escapeMarkdown(`intro\n\n\`\`\`\n/close\n/label ~"wontfix"\n${log}\n\`\`\`\n\nafter`);

  it.each([100, 1000, 5000, 15_000])(
    'cut at %i inside a code block: the block is closed, nothing acts',
    (max) => {
      const naive = text.slice(0, max);
      expect(quickActions(naive)).toEqual(['close', 'label']);
      const cut = cutMarkdown(text, max);
      expect(cut.length).toBeLessThanOrEqual(max + 4);
      expect(quickActions(`${cut}\n\n/after is text`)).toEqual(['after']);
      expect(quickActions(cut)).toEqual([]);
      expect(renderMarkdown(`${cut}\n\nafter`).trim().endsWith('<p>after</p>')).toBe(true);
    },
  );

  it('keeps text that fits, cuts on a line break, closes a longer fence with its own length', () => {
    expect(cutMarkdown('short', 10)).toBe('short');
    expect(cutMarkdown('one\ntwo\nthree', 9)).toBe('one\ntwo');
    const block = codeBlock('```\n/close\nmore');
    expect(cutMarkdown(`x\n${block}`, 12)).toBe('x\n````\n```\n````');
  });

  it('a single line with no break is cut at the limit, a surrogate pair kept whole', () => {
    expect(cutMarkdown('a'.repeat(5) + '😀'.repeat(3), 6)).toBe('aaaaa');
  });
});
