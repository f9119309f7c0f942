/** One frame of a race-detector stack: `  pkg.fn()` then `      /path/file.go:12 +0x1f`. */
export interface Frame {
  /** Without arguments: `main.(*Server).handle`. */
  function: string;
  file: string | null;
  line: number | null;
}

/** One memory access of a report (`Write at 0x… by goroutine 7:` and its stack). */
export interface Access {
  /** As printed: `Read`, `Write`, `Previous write`, `Atomic read`, … */
  kind: string;
  /** `main goroutine` or `goroutine 7`. */
  by: string;
  /** Empty when the detector printed `[failed to restore the stack]`. */
  frames: Frame[];
}

/** A closed report block as found in a log file (prefixes and CR already stripped). */
export interface RawReport {
  /** Byte offset (in the decompressed stream) of the line holding `WARNING: DATA RACE`. */
  startOffset: number;
  /** Byte offset just past the closing `==================` line. */
  endOffset: number;
  /** 1-based line number of the `WARNING: DATA RACE` line. */
  line: number;
  /** The text before `WARNING: DATA RACE` on its line (timestamp, log tag), maybe empty. */
  prefix: string;
  /** The report's lines from `WARNING: DATA RACE` to the closing line (exclusive), prefix stripped. */
  lines: string[];
  /** Lines beyond the keep limits (line count, REPORT_KEEP_CHARS) that were dropped from `lines`. */
  droppedLines: number;
  /** Kept lines that were longer than LINE_KEEP_BYTES and hold only their first bytes. */
  cutLines: number;
  /** True when a new `WARNING: DATA RACE` line ended this block instead of `==================`. */
  cutShort: boolean;
}

/** A parsed report: what the issue is about. */
export interface RaceReport extends RawReport {
  accesses: Access[];
  /** The function the race is named after (first frame of the first access, runtime frames skipped). */
  function: string;
  /** Both accesses' functions, sorted, hashed. */
  fingerprint: string;
  title: string;
  /** Time parsed from the line prefix when it carries one (ISO or Go log format). */
  loggedAt: Date | null;
}
