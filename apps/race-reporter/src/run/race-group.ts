import type { Access } from '../parse/race-report';

/** Where one race occurred in one file this run. */
export interface FileOccurrences {
  cursorId: string;
  path: string;
  count: number;
  /** Start of the first report of this race in the file (the cursor cannot pass it unless filed). */
  firstOffset: number;
  firstLine: number;
  /** Just past the start of the last one: reports starting before this are covered. */
  upTo: number;
}

/** Every occurrence of one race (one fingerprint) found this run. */
export interface RaceGroup {
  fingerprint: string;
  title: string;
  function: string;
  accesses: Access[];
  occurrences: number;
  /** Capped at MAX_SOURCES (occurrences has the true count). */
  sources: { path: string; line: number }[];
  firstSeen: Date;
  lastSeen: Date;
  /** The first report, verbatim (prefix stripped). */
  report: { lines: string[]; droppedLines: number; cutLines: number; path: string; line: number };
  files: FileOccurrences[];
}

export const MAX_SOURCES = 1000;
