import { EOL, RUBY_SPACE } from './ruby-regex';
import type { QuickAction } from './quick-action';

/**
 * GitLab's quick-action extractor before it asked the Markdown parser (GitLab
 * 15–16, `Gitlab::QuickActions::Extractor#commands_regex`): one regular
 * expression over the whole text, `\r` deleted first, flags `mix`:
 *
 *     (?<code>^```.+?\n```$) | (?<inline_code>^.*`\n*.+?\n*`$)
 *   | (?<html>^<[^>]+?>\n.+?\n<\/[^>]+?>$) | (?<html>^>>>.+?\n>>>$)
 *   | ^\/(?<cmd>NAMES)(?:[ ](?<arg>[^\n]*))?(?:\s*\n|$)
 *
 * run with `gsub`, so the leftmost alternative that matches at a position wins
 * and scanning resumes after it. Every alternative starts with `^`, so only line
 * starts matter. The `inline_code` alternative is evaluated directly (its
 * backtracking is cubic in JavaScript): `^.*` is greedy and `.+?` lazy, so from a
 * line start `s` it matches up to the LAST backtick that ends a line (`q`), when
 * another backtick lies in `[s, q-2]` (any earlier end would leave a later pair).
 */
export function extractQuickActionsLegacy(content: string, names: string): QuickAction[] {
  const text = content.replace(/\r/g, '');
  const code = new RegExp('```.+?\\n```' + EOL, 'ysiu');
  const html = new RegExp('<[^>]+?>\\n.+?\\n<\\/[^>]+?>' + EOL, 'ysiu');
  const quote = new RegExp('>>>.+?\\n>>>' + EOL, 'ysiu');
  const cmd = new RegExp(`\\/(?<cmd>${names})(?:[ ](?<arg>[^\\n]*))?(?:${RUBY_SPACE}*\\n|$)`, 'yiu');
  // the last backtick that ends a line, and the backticks before it
  let lastEolTick = -1;
  for (let i = text.length - 1; i >= 0; i--) {
    if (text[i] === '`' && (i + 1 === text.length || text[i + 1] === '\n')) {
      lastEolTick = i;
      break;
    }
  }
  const lastTickBefore = (limit: number): number => text.lastIndexOf('`', limit);

  const found: QuickAction[] = [];
  let pos = 0;
  while (pos <= text.length) {
    let end = -1;
    code.lastIndex = pos;
    if (code.exec(text)) end = code.lastIndex;
    if (end < 0 && lastEolTick >= pos + 2) {
      const p = lastTickBefore(lastEolTick - 2);
      if (p >= pos) end = lastEolTick + 1;
    }
    if (end < 0) {
      for (const re of [html, quote]) {
        re.lastIndex = pos;
        if (end < 0 && re.exec(text)) end = re.lastIndex;
      }
    }
    if (end < 0) {
      cmd.lastIndex = pos;
      const m = cmd.exec(text);
      if (m && m[0].length > 0) {
        found.push({ name: m.groups!.cmd!.toLowerCase(), arg: m.groups!.arg ?? '' });
        end = cmd.lastIndex;
      }
    }
    if (end >= 0 && end > pos && (end === 0 || text[end - 1] === '\n')) {
      pos = end;
      continue;
    }
    const from = end > pos ? end : pos;
    const nl = text.indexOf('\n', from);
    if (nl < 0) break;
    pos = nl + 1;
  }
  return found;
}
