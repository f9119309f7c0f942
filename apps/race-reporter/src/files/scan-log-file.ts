import { createRaceScanner, type ScanEnd, type ScanPosition } from '../parse/create-race-scanner';
import type { RawReport } from '../parse/race-report';
import { isCompressed, openLogStream } from './open-log-stream';

/**
 * Bytes of a plain file read at once, twice over: openLogStream reads the next piece while this one
 * is scanned (.gz files are inflated in smaller chunks).
 */
const READ_BYTES = 2 * 4 * 1024 * 1024;

export interface FileScan extends ScanEnd {
  /** The reports, unless `onReport` was given (then empty: nothing is retained). */
  reports: RawReport[];
  /** Closed report blocks found. */
  found: number;
  /** Bytes read this run (decompressed bytes past the start position). */
  bytesScanned: number;
}

/**
 * Reads one log from `start` to its current end. The closed report blocks in it go to `onReport` as
 * they are found (so a big file's reports are never all held at once), or are returned without it.
 */
export async function scanLogFile(
  filePath: string,
  start: ScanPosition,
  onReport?: (report: RawReport) => void,
): Promise<FileScan> {
  const reports: RawReport[] = [];
  let found = 0;
  const compressed = isCompressed(filePath);
  const scanner = createRaceScanner({
    start,
    // Plain files are read straight into the scanner's buffer; .gz chunks come from zlib.
    readBytes: compressed ? 0 : READ_BYTES,
    onReport: (r) => {
      found++;
      if (onReport) onReport(r);
      else reports.push(r);
    },
  });
  for await (const chunk of openLogStream(filePath, start.offset, scanner.buffer)) scanner.push(chunk);
  // A .gz file is complete: its unfinished last line will never be finished.
  const end = scanner.finish(compressed);
  return { ...end, reports, found, bytesScanned: end.endOffset - start.offset };
}
