import { buildPrefixStripper } from './build-prefix-stripper';
import type { RawReport } from './race-report';

const MARK = 'WARNING: DATA RACE';
const NEEDLE = Buffer.from(MARK);
const NEWLINE = 0x0a;
/** A line ending in 18 or more `=` (after its prefix): the end of a report. */
const CLOSING = /(?:^|\s)={18,}\s*$/;

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
  /** Longer lines are not scanned past this many bytes (default 1 MiB). */
  maxLineBytes?: number;
}

interface OpenReport {
  startOffset: number;
  line: number;
  prefix: string;
  strip: (line: string) => string;
  lines: string[];
  seen: number;
}

/**
 * A push scanner over the bytes of one log: finds `WARNING: DATA RACE` with
 * Buffer.indexOf (native, so the 99.9% of lines that are not reports are never
 * decoded), then reads the block line by line until `==================`.
 * Tracks byte offsets and line numbers so cursors can point at line starts.
 * Nothing but the current unfinished line and the open report is held.
 */
export function createRaceScanner(opts: ScannerOptions) {
  const maxReportLines = opts.maxReportLines ?? 5000;
  const keepLines = opts.keepLines ?? 2000;
  const maxLineBytes = opts.maxLineBytes ?? 1024 * 1024;
  let work: Buffer = Buffer.allocUnsafe(64 * 1024);
  let carry: Buffer = work.subarray(0, 0);
  let carryOffset = opts.start.offset;
  let line = opts.start.line;
  let open: OpenReport | null = null;
  let skippingLongLine = false;
  let abandoned = 0;

  function openAt(offset: number, lineNo: number, text: string): void {
    const { prefix, strip } = buildPrefixStripper(text);
    open = { startOffset: offset, line: lineNo, prefix, strip, lines: [text.slice(prefix.length)], seen: 1 };
  }

  function emit(report: OpenReport, endOffset: number, cutShort: boolean): void {
    opts.onReport({
      startOffset: report.startOffset,
      endOffset,
      line: report.line,
      prefix: report.prefix,
      lines: report.lines,
      droppedLines: report.seen - report.lines.length,
      cutShort,
    });
  }

  /** One complete line of an open report (or the line that opens one). */
  function takeLine(text: string, offset: number, endOffset: number): void {
    if (!open) {
      openAt(offset, line, text);
      return;
    }
    if (text.includes(MARK)) {
      emit(open, offset, true);
      openAt(offset, line, text);
      return;
    }
    if (CLOSING.test(text)) {
      emit(open, endOffset, false);
      open = null;
      return;
    }
    open.seen++;
    if (open.lines.length < keepLines) open.lines.push(open.strip(text));
    if (open.seen > maxReportLines) {
      abandoned++;
      open = null;
    }
  }

  function decode(data: Buffer, from: number, to: number): string {
    const end = to > from && data[to - 1] === 0x0d ? to - 1 : to;
    return data.toString('utf8', from, end);
  }

  function countLines(data: Buffer, from: number, to: number): number {
    let n = 0;
    let i = data.indexOf(NEWLINE, from);
    while (i !== -1 && i < to) {
      n++;
      i = data.indexOf(NEWLINE, i + 1);
    }
    return n;
  }

  /** The unfinished line followed by the new chunk, in one reused buffer (no garbage per chunk). */
  function join(chunk: Buffer): Buffer {
    if (carry.length === 0) return chunk;
    const need = carry.length + chunk.length;
    if (work.length < need) {
      const bigger = Buffer.allocUnsafe(Math.max(need, work.length * 2));
      carry.copy(bigger, 0);
      work = bigger;
    } else if (carry.buffer !== work.buffer || carry.byteOffset !== work.byteOffset) {
      carry.copy(work, 0);
    }
    chunk.copy(work, carry.length);
    return work.subarray(0, need);
  }

  function push(chunk: Buffer): void {
    let data = join(chunk);
    let base = carryOffset;
    let pos = 0;
    if (skippingLongLine) {
      const nl = data.indexOf(NEWLINE);
      if (nl === -1) {
        carry = Buffer.alloc(0);
        carryOffset = base + data.length;
        return;
      }
      skippingLongLine = false;
      line++;
      base += nl + 1;
      data = data.subarray(nl + 1);
    }
    for (;;) {
      if (open) {
        const nl = data.indexOf(NEWLINE, pos);
        if (nl === -1) break;
        takeLine(decode(data, pos, nl), base + pos, base + nl + 1);
        line++;
        pos = nl + 1;
        continue;
      }
      const hit = data.indexOf(NEEDLE, pos);
      if (hit === -1) {
        const last = data.lastIndexOf(NEWLINE);
        if (last >= pos) {
          line += countLines(data, pos, last + 1);
          pos = last + 1;
        }
        break;
      }
      const lineStart = data.lastIndexOf(NEWLINE, hit) + 1;
      const from = Math.max(lineStart, pos);
      line += countLines(data, pos, from);
      pos = from;
      const nl = data.indexOf(NEWLINE, hit);
      if (nl === -1) break;
      takeLine(decode(data, pos, nl), base + pos, base + nl + 1);
      line++;
      pos = nl + 1;
    }
    // Keep the unfinished line at the start of the work buffer (copyWithin handles the overlap).
    const rest = data.length - pos;
    if (rest > work.length) work = Buffer.allocUnsafe(rest * 2);
    data.copy(work, 0, pos);
    carry = work.subarray(0, rest);
    carryOffset = base + pos;
    if (carry.length > maxLineBytes) {
      // Not a race report line: skip the rest of it (a report inside is abandoned).
      if (open) {
        abandoned++;
        open = null;
      }
      skippingLongLine = true;
      carryOffset += carry.length;
      carry = Buffer.alloc(0);
    }
  }

  function finish(): ScanEnd {
    const endOffset = carryOffset + carry.length;
    if (open && carry.length > 0 && CLOSING.test(decode(carry, 0, carry.length))) {
      // The closing line is complete even without its newline.
      emit(open, endOffset, false);
      open = null;
      return { safe: { offset: endOffset, line: line + 1 }, endOffset, abandoned };
    }
    const current = open;
    const safe = current
      ? { offset: current.startOffset, line: current.line }
      : { offset: carryOffset, line };
    return { safe, endOffset, abandoned };
  }

  return { push, finish };
}
