import { createRaceScanner, type ScanEnd, type ScanPosition } from '../parse/create-race-scanner';
import type { RawReport } from '../parse/race-report';
import { openLogStream } from './open-log-stream';

export interface FileScan extends ScanEnd {
  reports: RawReport[];
  /** Bytes read this run (decompressed bytes past the start position). */
  bytesScanned: number;
}

/** Reads one log from `start` to its current end and returns the closed report blocks in it. */
export async function scanLogFile(filePath: string, start: ScanPosition): Promise<FileScan> {
  const reports: RawReport[] = [];
  const scanner = createRaceScanner({ start, onReport: (r) => reports.push(r) });
  for await (const chunk of openLogStream(filePath, start.offset)) scanner.push(chunk);
  const end = scanner.finish();
  return { ...end, reports, bytesScanned: end.endOffset - start.offset };
}
