import { collectReports, REPORT_KEEP_CHARS } from './collect-report';
import { createNewlineCounter } from './count-newlines';
import { CLOSING, followLongLine, LINE_KEEP_BYTES, type LongLineEnd } from './follow-long-line';
import type { RawReport } from './race-report';

export { REPORT_KEEP_CHARS };

const MARK = 'WARNING: DATA RACE';
const NEEDLE = Buffer.from(MARK);
const NEWLINE = 0x0a;

export interface ScanPosition {
  /** Byte offset (decompressed for .gz) of a line start. */
  offset: number;
  /** 1-based number of the line starting there. */
  line: number;
}

export interface ScanEnd {
  /** Where the next run must start: before an unclosed report or an unfinished last line. */
  safe: ScanPosition;
  /** Bytes seen up to the end of the input. */
  endOffset: number;
  /** Blocks given up on because they ran past maxReportLines without a closing line. */
  abandoned: number;
}

export interface ScannerOptions {
  start: ScanPosition;
  onReport: (report: RawReport) => void;
  /** A block longer than this without a closing line is not a report (default 5000). */
  maxReportLines?: number;
  /** Report lines kept verbatim (the rest is counted in droppedLines; default 2000). */
  keepLines?: number;
  /** Size of `buffer`, the scanner's own read buffer (default 0: none). */
  readBytes?: number;
}

/**
 * A push scanner over the bytes of one log. Outside reports it never looks at lines: it searches
 * each chunk for `WARNING: DATA RACE` with Buffer.indexOf and counts the newlines it passes with
 * countNewlines (WebAssembly SIMD); only from a WARNING line to its `==================` does it split
 * and decode lines (collectReports). Chunks are used in place, never joined: only an unfinished last
 * line is carried to the next chunk (its first LINE_KEEP_BYTES; a longer one is followed by
 * followLongLine), so a marker, a CRLF or a long line split by a chunk boundary is seen whole.
 * Tracks byte offsets and line numbers so cursors point at line starts. Memory is bounded whatever
 * the log holds: a line keeps at most LINE_KEEP_BYTES, a report REPORT_KEEP_CHARS and keepLines lines.
 *
 * `buffer` (with `readBytes`) is memory the newline counter reads in place: a reader that fills it
 * and pushes views of it spares a copy of every byte (scanLogFile does); any other Buffer works too.
 */
export function createRaceScanner(opts: ScannerOptions) {
  const reports = collectReports({
    onReport: opts.onReport,
    maxReportLines: opts.maxReportLines ?? 5000,
    keepLines: opts.keepLines ?? 2000,
  });
  const counter = createNewlineCounter(opts.readBytes ?? 0);
  /** Offset of the next byte to come. */
  let base = opts.start.offset;
  /** Number of the line at the current position (the unfinished line between chunks). */
  let line = opts.start.line;
  /** The unfinished last line (up to LINE_KEEP_BYTES, else `long`) and its offset. */
  const carry = Buffer.allocUnsafe(LINE_KEEP_BYTES);
  let carried = 0;
  let carryOffset = base;
  let long: ReturnType<typeof followLongLine> | null = null;

  function decode(data: Buffer, from: number, to: number): string {
    const end = to > from && data[to - 1] === 0x0d ? to - 1 : to;
    return data.toString('utf8', from, end);
  }

  /** A whole line of up to LINE_KEEP_BYTES, `offset` its start: into the open report, or opening one. */
  function takeShort(data: Buffer, from: number, to: number, offset: number): void {
    const text = decode(data, from, to);
    reports.take({
      text,
      offset,
      endOffset: offset + (to - from) + 1,
      line,
      cut: false,
      hasMark: text.includes(MARK),
      closing: CLOSING.test(text),
    });
  }

  function takeLong(l: LongLineEnd, endOffset: number): void {
    if (reports.isOpen() || l.hasMark)
      reports.take({
        text: l.text,
        offset: l.start,
        endOffset,
        line: l.line,
        cut: true,
        hasMark: l.hasMark,
        closing: l.closing,
      });
  }

  /** `data[from, nl)` is a whole line (its newline at `nl`) starting at offset `offset`. */
  function takeWhole(data: Buffer, from: number, nl: number, offset: number): void {
    if (nl - from > LINE_KEEP_BYTES)
      takeLong(followLongLine(data.subarray(from, nl), offset, line).end(), offset + nl - from + 1);
    else takeShort(data, from, nl, offset);
    line++;
  }

  /** The end of the followed long line arrived (at `endOffset`, just past its newline). */
  function endLong(endOffset: number): void {
    const l = long!.end();
    long = null;
    takeLong(l, endOffset);
    line++;
  }

  /** Feeds the start of `chunk` to the unfinished line: the offset just past it in `chunk`, or -1. */
  function finishCarried(chunk: Buffer): number {
    const nl = chunk.indexOf(NEWLINE);
    const upTo = nl === -1 ? chunk.length : nl;
    if (!long && carried + upTo > LINE_KEEP_BYTES) {
      long = followLongLine(carry.subarray(0, carried), carryOffset, line);
      carried = 0;
    }
    if (long) {
      long.feed(chunk.subarray(0, upTo));
      if (nl !== -1) endLong(base + nl + 1);
    } else {
      chunk.copy(carry, carried, 0, upTo);
      carried += upTo;
      if (nl === -1) return -1;
      if (reports.isOpen() || carry.subarray(0, carried).includes(NEEDLE))
        takeShort(carry, 0, carried, carryOffset);
      line++;
      carried = 0;
    }
    return nl === -1 ? -1 : nl + 1;
  }

  function push(chunk: Buffer): void {
    let pos = 0;
    if (long || carried > 0) {
      pos = finishCarried(chunk);
      if (pos === -1) {
        base += chunk.length;
        return;
      }
    }
    for (;;) {
      if (reports.isOpen()) {
        const nl = chunk.indexOf(NEWLINE, pos);
        if (nl === -1) break;
        takeWhole(chunk, pos, nl, base + pos);
        pos = nl + 1;
        continue;
      }
      const hit = chunk.indexOf(NEEDLE, pos);
      if (hit === -1) {
        const last = chunk.lastIndexOf(NEWLINE);
        if (last >= pos) {
          line += counter.count(chunk, pos, last + 1);
          pos = last + 1;
        }
        break;
      }
      const from = Math.max(chunk.lastIndexOf(NEWLINE, hit) + 1, pos);
      line += counter.count(chunk, pos, from);
      pos = from;
      const nl = chunk.indexOf(NEWLINE, hit);
      if (nl === -1) break;
      takeWhole(chunk, pos, nl, base + pos);
      pos = nl + 1;
    }
    // What is left is an unfinished line: a long one is followed without keeping it, a short one
    // is copied for the next chunk (chunks are reused by the reader).
    carryOffset = base + pos;
    if (chunk.length - pos > LINE_KEEP_BYTES) long = followLongLine(chunk.subarray(pos), carryOffset, line);
    else carried = chunk.copy(carry, 0, pos);
    base += chunk.length;
  }

  /**
   * The input ended. `complete`: the file will not grow (a rotated `.gz`), so an unfinished last
   * line outside a report is passed too; otherwise the next run reads it again. A report still open
   * at the end is never reported: the next run reads it again from its WARNING line.
   */
  function finish(complete = false): ScanEnd {
    const endOffset = base;
    const open = reports.isOpen();
    const abandoned = reports.abandoned();
    let closed = false;
    if (long) {
      const l = long.end();
      long = null;
      if (!open)
        return {
          safe: complete ? { offset: endOffset, line: line + 1 } : { offset: l.start, line: l.line },
          endOffset,
          abandoned,
        };
      closed = l.closing;
    } else if (open && carried > 0) {
      closed = CLOSING.test(decode(carry, 0, carried));
    }
    if (open && closed) {
      // The closing line is complete even without its newline.
      reports.emitAt(endOffset);
      return { safe: { offset: endOffset, line: line + 1 }, endOffset, abandoned };
    }
    if (open) return { safe: reports.start(), endOffset, abandoned };
    if (complete && carried > 0) return { safe: { offset: endOffset, line: line + 1 }, endOffset, abandoned };
    return {
      safe: carried > 0 ? { offset: carryOffset, line } : { offset: endOffset, line },
      endOffset,
      abandoned,
    };
  }

  return { push, finish, buffer: counter.buffer };
}
