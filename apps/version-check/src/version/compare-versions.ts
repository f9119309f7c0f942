export type MatchLevel = 'major' | 'minor' | 'patch';

const DEPTH: Record<MatchLevel, number> = { major: 1, minor: 2, patch: 3 };

/**
 * The part of a version that must agree at `level`, as a string:
 * `lineOf("5.4.1", "minor")` → "5.4". Missing parts count as 0, so at patch
 * level "5.4" is "5.4.0" (and differs from "5.4.1"). Leading zeros are
 * dropped ("05.4" → "5.4"). Anything after the numbers (pre-release or
 * build suffixes) is not part of the line. null when the text has no
 * leading number at all.
 */
export function lineOf(version: string, level: MatchLevel): string | null {
  const m = /^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/i.exec(version);
  if (!m) return null;
  const parts = [m[1], m[2], m[3]].map((p) => String(Number(p ?? '0')));
  return parts.slice(0, DEPTH[level]).join('.');
}

/** Whether two versions agree at `level` (see lineOf for how they are read). */
export function versionsMatch(a: string, b: string, level: MatchLevel): boolean {
  const la = lineOf(a, level);
  const lb = lineOf(b, level);
  return la !== null && la === lb;
}
