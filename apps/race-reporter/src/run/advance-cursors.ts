import type { Head } from '../files/hash-head';
import type { ScanTarget } from '../files/plan-scan';
import type { ScanPosition } from '../parse/create-race-scanner';
import type { Cursor } from '../state/race-state';
import type { RaceGroup } from './race-group';

export interface ScannedTarget {
  target: ScanTarget;
  /** Where reading may resume when every report in it is filed. */
  safe: ScanPosition;
  end: number;
  head: Head;
}

/**
 * The cursors to save: each file's cursor advances to its safe position,
 * except that it stops at the first report of a race not filed yet, or of a
 * race left for the next run (`deferredFrom`), so the next run reads it again. Reports of filed races beyond that point are
 * remembered per fingerprint (`filed`), so they are not filed twice.
 */
export function advanceCursors(
  scanned: ScannedTarget[],
  groups: RaceGroup[],
  filed: Set<string>,
  now: Date,
  deferredFrom: ReadonlyMap<string, ScanPosition> = new Map(),
): Cursor[] {
  const cursors: Cursor[] = [];
  for (const { target, safe, end, head } of scanned) {
    let pos = safe;
    const deferred = deferredFrom.get(target.cursorId);
    if (deferred && deferred.offset < pos.offset) pos = deferred;
    for (const group of groups) {
      if (filed.has(group.fingerprint)) continue;
      const occ = group.files.find((f) => f.cursorId === target.cursorId);
      if (occ && occ.firstOffset < pos.offset) pos = { offset: occ.firstOffset, line: occ.firstLine };
    }
    const marks: Record<string, number> = {};
    for (const [fp, upTo] of Object.entries(target.filed)) if (upTo > pos.offset) marks[fp] = upTo;
    for (const group of groups) {
      if (!filed.has(group.fingerprint)) continue;
      const occ = group.files.find((f) => f.cursorId === target.cursorId);
      if (occ && occ.upTo > pos.offset)
        marks[group.fingerprint] = Math.max(marks[group.fingerprint] ?? 0, occ.upTo);
    }
    // A rotated file found through its cursor is kept only while something in it is left to read.
    if (!target.matched && pos.offset >= end) continue;
    cursors.push({
      id: target.cursorId,
      path: target.path,
      dev: target.dev,
      ino: target.ino,
      size: target.size,
      offset: pos.offset,
      line: pos.line,
      end,
      head,
      filed: marks,
      readAt: now.toISOString(),
    });
  }
  return cursors;
}
