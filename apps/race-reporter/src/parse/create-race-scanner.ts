import { buildPrefixStripper } from './build-prefix-stripper';
import { CLOSING, followLongLine, LINE_KEEP_BYTES } from './follow-long-line';
import type { RawReport } from './race-report';

const MARK = 'WARNING: DATA RACE';
const NEEDLE = Buffer.from(MARK);
const NEWLINE = 0x0a;
/** Characters of report text kept in all (lines beyond are counted, not kept). */
export const REPORT_KEEP_CHARS = 256 * 1024;

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
}

/** The report being read. One record, reused for every report (see createRaceScanner). */
interface OpenReport {
  startOffset: number;
  line: number;
  prefix: string;
  strip: (line: string) => string;
  /** The kept lines, UTF-8, one after another: line i ends at `ends[i]`. */
  text: Buffer;
  ends: number[];
  kept: number;
  chars: number;
  seen: number;
  cutLines: number;
}

/**
 * A push scanner over the bytes of one log: finds `WARNING: DATA RACE` with
 * Buffer.indexOf (native, so the 99.9% of lines that are not reports are never
 * decoded), then reads the block line by line until `==================`.
 * Tracks byte offsets and line numbers so cursors can point at line starts.
 * Memory is bounded whatever the log holds: a line keeps at most
 * LINE_KEEP_BYTES (longer ones are followed by followLongLine and marked as
 * cut), a report at most REPORT_KEEP_CHARS and keepLines lines.
 *
 * The open report lives in one record reused for every report, its kept
 * lines as UTF-8 in one reused buffer; they become strings again only when the
 * report closes. Garbage therefore dies young: a fresh record per report let
 * V8 allocate the records in the old generation, holding their lines there
 * until a full collection (~50 MB over 66,700 tiny reports), and a report's
 * lines held as strings while it is read (up to 256 Ki chars, across many
 * young collections) were promoted, ~30 MB over the 64 blocks of the hostile
 * corpus's binary garbage (bench/RESULTS.md).
 */
export function createRaceScanner(opts: ScannerOptions) {
  const maxReportLines = opts.maxReportLines ?? 5000;
  const keepLines = opts.keepLines ?? 2000;
  let work: Buffer = Buffer.allocUnsafe(64 * 1024);
  let carry: Buffer = work.subarray(0, 0);
  let carryOffset = opts.start.offset;
  let line = opts.start.line;
  const record: OpenReport = {
    startOffset: 0,
    line: 0,
    prefix: '',
    strip: (text) => text,
    text: Buffer.allocUnsafe(64 * 1024),
    ends: [],
    kept: 0,
    chars: 0,
    seen: 0,
    cutLines: 0,
  };
  /** Where a closing report's lines are decoded before they are copied out (reused, like `record`). */
  const decoded: string[] = [];
  /** `record` while a report is open. */
  let open: OpenReport | null = null;
  let long: ReturnType<typeof followLongLine> | null = null;
  let abandoned = 0;

  function openAt(offset: number, lineNo: number, text: string, cut: boolean): void {
    const { prefix, strip } = buildPrefixStripper(text);
    const first = text.slice(prefix.length);
    record.startOffset = offset;
    record.line = lineNo;
    record.prefix = prefix;
    record.strip = strip;
    record.kept = 0;
    keep(first);
    record.chars = first.length;
    record.seen = 1;
    record.cutLines = cut ? 1 : 0;
    open = record;
  }

  /** Appends a line to the open report's kept text (the buffer grows to the largest report kept). */
  function keep(text: string): void {
    const used = record.kept > 0 ? record.ends[record.kept - 1]! : 0;
    // A UTF-16 code unit takes at most 3 bytes of UTF-8.
    const need = used + text.length * 3;
    if (record.text.length < need) {
      const bigger = Buffer.allocUnsafe(Math.max(need, record.text.length * 2));
      record.text.copy(bigger, 0, 0, used);
      record.text = bigger;
    }
    record.ends[record.kept++] = used + record.text.write(text, used);
  }

  function close(): void {
    record.kept = 0;
    open = null;
  }

  /** Passes the open report on (its kept lines decoded again), then closes it. */
  function emit(report: OpenReport, endOffset: number, cutShort: boolean): void {
    for (let i = 0, from = 0; i < report.kept; from = report.ends[i++]!)
      decoded[i] = report.text.toString('utf8', from, report.ends[i]);
    const lines = decoded.slice(0, report.kept);
    decoded.fill('', 0, report.kept);
    const raw: RawReport = {
      startOffset: report.startOffset,
      endOffset,
      line: report.line,
      prefix: report.prefix,
      lines,
      droppedLines: report.seen - lines.length,
      cutLines: report.cutLines,
      cutShort,
    };
    close();
    opts.onReport(raw);
  }

  /** One complete line of an open report (or the line that opens one). */
  function takeLine(
    text: string,
    offset: number,
    endOffset: number,
    lineNo: number,
    cut = false,
    hasMark = text.includes(MARK),
    closing = CLOSING.test(text),
  ): void {
    if (!open) {
      openAt(offset, lineNo, text, cut);
      return;
    }
    if (hasMark) {
      emit(open, offset, true);
      openAt(offset, lineNo, text, cut);
      return;
    }
    if (closing) {
      emit(open, endOffset, false);
      return;
    }
    open.seen++;
    const kept = open.strip(text);
    if (open.kept < keepLines && open.chars + kept.length + 1 <= REPORT_KEEP_CHARS) {
      keep(kept);
      open.chars += kept.length + 1;
      if (cut) open.cutLines++;
    }
    if (open.seen > maxReportLines) {
      abandoned++;
      close();
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

  /** The end of a long line arrived (at `endOffset`, just past its newline). */
  function endLongLine(endOffset: number): void {
    const l = long!.end();
    long = null;
    if (open || l.hasMark) takeLine(l.text, l.start, endOffset, l.line, true, l.hasMark, l.closing);
    line++;
  }

  /** A whole line (`from` to its newline at `nl`): a long one is followed without being kept whole. */
  function takeWholeLine(data: Buffer, base: number, from: number, nl: number): void {
    if (nl - from > LINE_KEEP_BYTES) {
      long = followLongLine(data.subarray(from, nl), base + from, line);
      endLongLine(base + nl + 1);
      return;
    }
    takeLine(decode(data, from, nl), base + from, base + nl + 1, line);
    line++;
  }

  function push(chunk: Buffer): void {
    const data = join(chunk);
    const base = carryOffset;
    let pos = 0;
    if (long) {
      const nl = data.indexOf(NEWLINE);
      long.feed(data.subarray(0, nl === -1 ? data.length : nl));
      if (nl === -1) {
        carryOffset = base + data.length;
        return;
      }
      endLongLine(base + nl + 1);
      pos = nl + 1;
    }
    for (;;) {
      if (open) {
        const nl = data.indexOf(NEWLINE, pos);
        if (nl === -1) break;
        takeWholeLine(data, base, pos, nl);
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
      takeWholeLine(data, base, pos, nl);
      pos = nl + 1;
    }
    // What is left is an unfinished line: a long one is followed without keeping it, a short one
    // is kept at the start of the work buffer for the next chunk.
    const rest = data.length - pos;
    if (rest > LINE_KEEP_BYTES) {
      long = followLongLine(data.subarray(pos), base + pos, line);
      carry = work.subarray(0, 0);
      carryOffset = base + data.length;
      return;
    }
    if (rest > work.length) work = Buffer.allocUnsafe(rest * 2);
    data.copy(work, 0, pos);
    carry = work.subarray(0, rest);
    carryOffset = base + pos;
  }

  /**
   * The input ended. `complete`: the file will not grow (a rotated `.gz`), so an unfinished last
   * line outside a report is passed too; otherwise the next run reads it again. A report still open
   * at the end is never reported: the next run reads it again from its WARNING line.
   */
  function finish(complete = false): ScanEnd {
    const current = open;
    let endOffset = carryOffset + carry.length;
    let closed = false;
    if (long) {
      const l = long.end();
      long = null;
      endOffset = carryOffset;
      closed = current !== null && l.closing;
      if (!current)
        return {
          safe: complete ? { offset: endOffset, line: line + 1 } : { offset: l.start, line: l.line },
          endOffset,
          abandoned,
        };
    } else if (current && carry.length > 0) {
      closed = CLOSING.test(decode(carry, 0, carry.length));
    }
    if (current && closed) {
      // The closing line is complete even without its newline.
      emit(current, endOffset, false);
      return { safe: { offset: endOffset, line: line + 1 }, endOffset, abandoned };
    }
    if (current) return { safe: { offset: current.startOffset, line: current.line }, endOffset, abandoned };
    if (complete && carry.length > 0)
      return { safe: { offset: endOffset, line: line + 1 }, endOffset, abandoned };
    return { safe: { offset: carryOffset, line }, endOffset, abandoned };
  }

  return { push, finish };
}
