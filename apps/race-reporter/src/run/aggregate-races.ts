import type { Logger } from '@devops/logger';
import { describeError } from '@devops/errors';
import type { ScanPosition } from '../parse/create-race-scanner';
import type { RawReport } from '../parse/race-report';
import { fingerprintRaceLines } from '../parse/fingerprint-race-lines';
import { parseLoggedAt } from '../parse/parse-logged-at';
import { parseRaceReport } from '../parse/parse-race-report';
import { MAX_SOURCES, type RaceGroup } from './race-group';

export interface FileRef {
  cursorId: string;
  path: string;
  filed: Record<string, number>;
  mtime: Date;
}

/**
 * Collects reports into one group per fingerprint as they are read: only the
 * first report's text is kept, the others become counts and positions, so
 * memory grows with the number of distinct races, not of reports. At most
 * `maxRaces` races are collected per run; reports of further races are left
 * for the next run (per file, the first such report is where its cursor
 * stops). A report that cannot be parsed is logged and passed: one bad report
 * never stops the run.
 */
export function createRaceAggregator(opts: { maxRaces: number; log: Logger }) {
  const groups = new Map<string, RaceGroup>();
  /** Per cursor: the first report of a race beyond maxRaces. */
  const deferredFrom = new Map<string, ScanPosition>();
  let reports = 0;
  let skippedFiled = 0;
  let stray = 0;
  let deferred = 0;
  let broken = 0;

  function newGroup(raw: RawReport, file: FileRef, seen: Date): RaceGroup {
    const report = parseRaceReport(raw)!;
    return {
      fingerprint: report.fingerprint,
      title: report.title,
      function: report.function,
      accesses: report.accesses,
      occurrences: 0,
      sources: [],
      firstSeen: seen,
      lastSeen: seen,
      report: {
        lines: raw.lines,
        droppedLines: raw.droppedLines,
        cutLines: raw.cutLines,
        path: file.path,
        line: raw.line,
      },
      files: [],
    };
  }

  function addReport(raw: RawReport, file: FileRef): void {
    // Fingerprinted without its frames: only a race's first report is parsed in full (newGroup).
    const fingerprint = fingerprintRaceLines(raw.lines);
    if (!fingerprint) {
      stray++;
      return;
    }
    if (raw.startOffset < (file.filed[fingerprint] ?? -1)) {
      skippedFiled++;
      return;
    }
    let group = groups.get(fingerprint);
    if (!group && groups.size >= opts.maxRaces) {
      deferred++;
      if (!deferredFrom.has(file.cursorId))
        deferredFrom.set(file.cursorId, { offset: raw.startOffset, line: raw.line });
      return;
    }
    reports++;
    const seen = parseLoggedAt(raw.prefix) ?? file.mtime;
    if (!group) {
      group = newGroup(raw, file, seen);
      groups.set(fingerprint, group);
    }
    group.occurrences++;
    if (group.sources.length < MAX_SOURCES) group.sources.push({ path: file.path, line: raw.line });
    if (seen < group.firstSeen) group.firstSeen = seen;
    if (seen > group.lastSeen) group.lastSeen = seen;
    let occ = group.files.find((f) => f.cursorId === file.cursorId);
    if (!occ) {
      occ = {
        cursorId: file.cursorId,
        path: file.path,
        count: 0,
        firstOffset: raw.startOffset,
        firstLine: raw.line,
        upTo: 0,
      };
      group.files.push(occ);
    }
    occ.count++;
    occ.upTo = Math.max(occ.upTo, raw.startOffset + 1);
  }

  function add(raw: RawReport, file: FileRef): void {
    try {
      addReport(raw, file);
    } catch (err) {
      broken++;
      opts.log.error(
        `could not read the report at ${file.path} line ${raw.line}: ${describeError(err)}; passed over`,
      );
    }
  }

  return {
    add,
    groups: () => [...groups.values()],
    deferredFrom: () => deferredFrom,
    counts: () => ({ reports, skippedFiled, stray, deferred, broken }),
  };
}
