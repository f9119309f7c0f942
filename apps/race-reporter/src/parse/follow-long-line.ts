/** Bytes of any one line a report keeps; the rest is skipped and the line marked as cut. */
export const LINE_KEEP_BYTES = 4096;

const MARK = Buffer.from('WARNING: DATA RACE');
/** Enough of a line's end to see a closing `==================` and a marker split across chunks. */
const TAIL_BYTES = 64;
/** A line ending in 18 or more `=` (after its prefix): the end of a report. */
export const CLOSING = /(?:^|\s)={18,}\s*$/;

export interface LongLineEnd {
  /** Byte offset of the line's start. */
  start: number;
  /** 1-based line number. */
  line: number;
  /** The kept head of the line, decoded, with the cut marked. */
  text: string;
  /** The line holds `WARNING: DATA RACE` somewhere (kept or skipped). */
  hasMark: boolean;
  /** The line ends like a closing `==================` line. */
  closing: boolean;
}

/**
 * Follows one line longer than LINE_KEEP_BYTES through any number of chunks
 * while holding only its first LINE_KEEP_BYTES and its last few bytes: memory
 * stays bounded whatever a log holds (a 1 GB line, a gz bomb without newlines).
 * `feed` takes the line's next bytes (chunks are reused by the reader, so
 * what is kept is copied); `end` gives the line as a report would keep it.
 */
export function followLongLine(first: Buffer, start: number, line: number) {
  // The first LINE_KEEP_BYTES, filled by `feed` too when `first` was shorter (a line begun in one chunk).
  const head = Buffer.allocUnsafe(LINE_KEEP_BYTES);
  let kept = first.copy(head, 0, 0, LINE_KEEP_BYTES);
  let tail = Buffer.from(first.subarray(Math.max(0, first.length - TAIL_BYTES)));
  let bytes = first.length;
  let hasMark = first.includes(MARK);

  function feed(part: Buffer): void {
    if (part.length === 0) return;
    if (!hasMark) {
      const seam = Buffer.concat([tail, part.subarray(0, MARK.length - 1)]);
      hasMark = seam.includes(MARK) || part.includes(MARK);
    }
    if (kept < LINE_KEEP_BYTES) kept += part.copy(head, kept, 0, LINE_KEEP_BYTES - kept);
    bytes += part.length;
    tail =
      part.length >= TAIL_BYTES
        ? Buffer.from(part.subarray(part.length - TAIL_BYTES))
        : Buffer.concat([tail, part]).subarray(-TAIL_BYTES);
  }

  function end(): LongLineEnd {
    return {
      start,
      line,
      text: `${head.toString('utf8', 0, kept)} [line cut: ${bytes} bytes, first ${kept} kept]`,
      hasMark,
      closing: CLOSING.test(tail.toString('latin1')),
    };
  }

  return { feed, end };
}
