/** A code span as CommonMark finds it on one line: from its opening run to the end of its closing run. */
export interface CodeSpan {
  start: number;
  end: number;
}

/**
 * The code spans of one line, in one pass: backtick runs are collected once,
 * then each opening run (one preceded by a backslash loses its first backtick
 * to the escape) is paired with the next run of exactly its length, found by
 * a pointer per length that only moves forward. Linear in the line's length.
 */
export function findCodeSpans(line: string): CodeSpan[] {
  const runs: { pos: number; len: number }[] = [];
  for (let i = 0; i < line.length; ) {
    if (line.charCodeAt(i) !== 96) {
      i++;
      continue;
    }
    let j = i;
    while (j < line.length && line.charCodeAt(j) === 96) j++;
    runs.push({ pos: i, len: j - i });
    i = j;
  }
  const byLength = new Map<number, number[]>();
  runs.forEach((r, k) => {
    const list = byLength.get(r.len) ?? [];
    list.push(k);
    byLength.set(r.len, list);
  });
  const pointer = new Map<number, number>();
  const spans: CodeSpan[] = [];
  let cursor = 0;
  for (const run of runs) {
    if (run.pos < cursor) continue;
    const escaped = run.pos > 0 && line[run.pos - 1] === '\\';
    const open = escaped ? { pos: run.pos + 1, len: run.len - 1 } : run;
    if (open.len === 0) continue;
    const candidates = byLength.get(open.len);
    if (!candidates) continue;
    let p = pointer.get(open.len) ?? 0;
    while (p < candidates.length && runs[candidates[p]!]!.pos < open.pos + open.len) p++;
    pointer.set(open.len, p);
    if (p === candidates.length) continue;
    const close = runs[candidates[p]!]!;
    spans.push({ start: open.pos, end: close.pos + close.len });
    cursor = close.pos + close.len;
  }
  return spans;
}
