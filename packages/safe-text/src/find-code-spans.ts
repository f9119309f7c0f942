/**
 * The code spans of one line as CommonMark pairs them, in one pass: flat
 * `[start, end, start, end, …]` offsets, each from an opening backtick run to
 * the end of its closing run. Backtick runs are collected once; an opening run
 * is paired with the next run of exactly its length (precomputed right to left),
 * or, when a backslash before it takes its first backtick, with the next run
 * one shorter (found by a pointer per length that only moves forward). Linear
 * in the line's length, with no object per run.
 */
export function findCodeSpans(line: string): number[] {
  const pos: number[] = [];
  const len: number[] = [];
  for (let i = line.indexOf('`'); i >= 0; i = line.indexOf('`', i)) {
    let j = i + 1;
    while (j < line.length && line.charCodeAt(j) === 96) j++;
    pos.push(i);
    len.push(j - i);
    i = j;
  }
  const nextSame = new Int32Array(pos.length);
  let last = new Int32Array(16).fill(-1); // the latest run seen of each length
  for (let k = pos.length - 1; k >= 0; k--) {
    const l = len[k]!;
    if (l >= last.length) {
      const grown = new Int32Array(l + 1).fill(-1);
      grown.set(last);
      last = grown;
    }
    nextSame[k] = last[l]!;
    last[l] = k;
  }
  let byLength: Map<number, { runs: number[]; at: number }> | undefined;
  const spans: number[] = [];
  let cursor = 0;
  for (let k = 0; k < pos.length; k++) {
    if (pos[k]! < cursor) continue;
    let start = pos[k]!;
    let close = nextSame[k]!;
    if (start > 0 && line.charCodeAt(start - 1) === 92) {
      // `\``: the backslash escapes one backtick; the rest of the run may open a span
      if (len[k] === 1) continue;
      start += 1;
      byLength ??= groupByLength(len);
      const group = byLength.get(len[k]! - 1);
      if (!group) continue;
      while (group.at < group.runs.length && pos[group.runs[group.at]!]! <= start) group.at++;
      close = group.at < group.runs.length ? group.runs[group.at]! : -1;
    }
    if (close < 0) continue;
    const end = pos[close]! + len[close]!;
    spans.push(start, end);
    cursor = end;
  }
  return spans;
}

function groupByLength(len: number[]): Map<number, { runs: number[]; at: number }> {
  const groups = new Map<number, { runs: number[]; at: number }>();
  len.forEach((l, k) => {
    const group = groups.get(l) ?? { runs: [], at: 0 };
    group.runs.push(k);
    groups.set(l, group);
  });
  return groups;
}
