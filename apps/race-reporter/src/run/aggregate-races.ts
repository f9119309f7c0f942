import type { RawReport } from '../parse/race-report';
import { parseRaceReport } from '../parse/parse-race-report';
import { MAX_SOURCES, type RaceGroup } from './race-group';

/**
 * Collects reports into one group per fingerprint as they are read: only the
 * first report's text is kept, the others become counts and positions, so
 * memory grows with the number of distinct races, not of reports.
 */
export function createRaceAggregator() {
  const groups = new Map<string, RaceGroup>();
  let reports = 0;
  let skippedFiled = 0;
  let stray = 0;

  function add(
    raw: RawReport,
    file: { cursorId: string; path: string; filed: Record<string, number>; mtime: Date },
  ): void {
    const report = parseRaceReport(raw);
    if (!report) {
      stray++;
      return;
    }
    if (raw.startOffset < (file.filed[report.fingerprint] ?? -1)) {
      skippedFiled++;
      return;
    }
    reports++;
    const seen = report.loggedAt ?? file.mtime;
    let group = groups.get(report.fingerprint);
    if (!group) {
      group = {
        fingerprint: report.fingerprint,
        title: report.title,
        function: report.function,
        accesses: report.accesses,
        occurrences: 0,
        sources: [],
        firstSeen: seen,
        lastSeen: seen,
        report: { lines: raw.lines, droppedLines: raw.droppedLines, path: file.path, line: raw.line },
        files: [],
      };
      groups.set(report.fingerprint, group);
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

  return {
    add,
    groups: () => [...groups.values()],
    counts: () => ({ reports, skippedFiled, stray }),
  };
}
