/**
 * Markdown text with fenced code blocks (``` or ~~~, up to three spaces of
 * indent, closed by a fence of the same character at least as long, or the
 * end of the text) and inline code spans (a run of N backticks up to the next
 * run of exactly N) blanked out. Line structure is kept.
 */
export function stripCode(markdown: string): string {
  const lines = markdown.split(/\r?\n|\r/);
  const kept: string[] = [];
  let fence: { char: string; length: number } | null = null;
  for (const line of lines) {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (
        m &&
        m[1]![0] === fence.char &&
        m[1]!.length >= fence.length &&
        /^\s*$/.test(line.slice(m[0].length))
      ) {
        fence = null;
      }
      kept.push('');
      continue;
    }
    // An opening backtick fence may not carry backticks in its info string.
    if (m && !(m[1]![0] === '`' && line.slice(m[0].length).includes('`'))) {
      fence = { char: m[1]![0]!, length: m[1]!.length };
      kept.push('');
      continue;
    }
    kept.push(line);
  }
  return stripCodeSpans(kept.join('\n'));
}

function stripCodeSpans(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '`') {
      out += text[i];
      i += 1;
      continue;
    }
    let n = 0;
    while (text[i + n] === '`') n += 1;
    const close = findRun(text, i + n, n);
    if (close < 0) {
      // No closing run: the backticks are literal text.
      out += text.slice(i, i + n);
      i += n;
      continue;
    }
    out += ' ';
    i = close + n;
  }
  return out;
}

/** Index of the next run of exactly `n` backticks at or after `from`, or -1. */
function findRun(text: string, from: number, n: number): number {
  let i = from;
  while (i < text.length) {
    if (text[i] !== '`') {
      i += 1;
      continue;
    }
    let len = 0;
    while (text[i + len] === '`') len += 1;
    if (len === n) return i;
    i += len;
  }
  return -1;
}
