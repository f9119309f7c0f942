import { buildPrefixStripper } from './build-prefix-stripper';
import type { RawReport } from './race-report';

/** Characters of report text kept in all (lines beyond are counted, not kept). */
export const REPORT_KEEP_CHARS = 256 * 1024;

/** The report being read. One record, reused for every report (see collectReports). */
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

/** A complete line of a report, or the line opening one. */
export interface ReportLine {
  text: string;
  /** Byte offsets of its start and just past its newline. */
  offset: number;
  endOffset: number;
  line: number;
  /** Longer than LINE_KEEP_BYTES: `text` holds its head only. */
  cut: boolean;
  hasMark: boolean;
  closing: boolean;
}

/**
 * The report-level half of the scanner (createRaceScanner finds the lines): opens a report at a
 * `WARNING: DATA RACE` line, keeps its lines within the limits (keepLines, REPORT_KEEP_CHARS),
 * passes it on at its closing line (or at the next WARNING line, cut short), and gives up a block
 * longer than maxReportLines.
 *
 * The open report lives in one record reused for every report, its kept lines as UTF-8 in one
 * reused buffer; they become strings again only when the report closes. Garbage therefore dies
 * young: a fresh record per report let V8 allocate the records in the old generation, holding their
 * lines there until a full collection (~50 MB over 66,700 tiny reports), and a report's lines held as
 * strings while it is read (up to 256 Ki chars, across many young collections) were promoted, ~30 MB
 * over the 64 blocks of the hostile corpus's binary garbage (bench/RESULTS.md).
 */
export function collectReports(opts: {
  onReport: (report: RawReport) => void;
  maxReportLines: number;
  keepLines: number;
}) {
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
  let isOpen = false;
  let abandoned = 0;

  function openAt(l: ReportLine): void {
    const { prefix, strip } = buildPrefixStripper(l.text);
    const first = l.text.slice(prefix.length);
    record.startOffset = l.offset;
    record.line = l.line;
    record.prefix = prefix;
    record.strip = strip;
    record.kept = 0;
    keep(first);
    record.chars = first.length;
    record.seen = 1;
    record.cutLines = l.cut ? 1 : 0;
    isOpen = true;
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
    isOpen = false;
  }

  /** Passes the open report on (its kept lines decoded again), then closes it. */
  function emit(endOffset: number, cutShort: boolean): void {
    for (let i = 0, from = 0; i < record.kept; from = record.ends[i++]!)
      decoded[i] = record.text.toString('utf8', from, record.ends[i]);
    const lines = decoded.slice(0, record.kept);
    decoded.fill('', 0, record.kept);
    const raw: RawReport = {
      startOffset: record.startOffset,
      endOffset,
      line: record.line,
      prefix: record.prefix,
      lines,
      droppedLines: record.seen - lines.length,
      cutLines: record.cutLines,
      cutShort,
    };
    close();
    opts.onReport(raw);
  }

  /** One complete line of the open report, or the line that opens one. */
  function take(l: ReportLine): void {
    if (!isOpen) {
      openAt(l);
      return;
    }
    if (l.hasMark) {
      emit(l.offset, true);
      openAt(l);
      return;
    }
    if (l.closing) {
      emit(l.endOffset, false);
      return;
    }
    record.seen++;
    const kept = record.strip(l.text);
    if (record.kept < opts.keepLines && record.chars + kept.length + 1 <= REPORT_KEEP_CHARS) {
      keep(kept);
      record.chars += kept.length + 1;
      if (l.cut) record.cutLines++;
    }
    if (record.seen > opts.maxReportLines) {
      abandoned++;
      close();
    }
  }

  return {
    take,
    /** Closes the open report with its closing line unfinished at the end of the input. */
    emitAt: (endOffset: number) => emit(endOffset, false),
    isOpen: () => isOpen,
    /** Where the open report starts. */
    start: () => ({ offset: record.startOffset, line: record.line }),
    abandoned: () => abandoned,
  };
}
