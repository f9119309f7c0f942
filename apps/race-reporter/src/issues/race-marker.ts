/**
 * Hidden markers: HTML comments GitLab does not render, written by the reporter on the last lines
 * of its own texts, after everything copied from a log. Matching uses these, never titles, and only
 * where the reporter writes them: a marker inside a report (in a code block, higher up) counts for
 * nothing, so log text cannot redirect, split or merge races.
 */
const FINGERPRINT_LINE = /^<!-- race-reporter fingerprint=([0-9a-f]{16}) -->$/;
const BATCH_LINE = /^<!-- race-reporter batch=([0-9a-f-]{36}) -->$/;

export function fingerprintMarker(fingerprint: string): string {
  return `<!-- race-reporter fingerprint=${fingerprint} -->`;
}

/** Identifies one write (an issue or a note), so a run interrupted after it can tell it happened. */
export function batchMarker(batch: string): string {
  return `<!-- race-reporter batch=${batch} -->`;
}

/** The reporter's own trailing lines: `batch` then `fingerprint` (the last line). */
export function ownMarkers(fingerprint: string, batch: string): string {
  return `${batchMarker(batch)}\n${fingerprintMarker(fingerprint)}`;
}

/** The last two non-blank lines of a text (GitLab may trim or re-end lines). */
function lastLines(text: string): [string | undefined, string | undefined] {
  const lines = text.trimEnd().split(/\r?\n/);
  return [lines[lines.length - 2]?.trim(), lines[lines.length - 1]?.trim()];
}

/**
 * The fingerprint on the text's own last line. Texts written before this rule ended with the
 * fingerprint line followed by the batch line; that layout (both lines the reporter's own) is read
 * too, so issues filed by older versions are still found.
 */
export function findFingerprint(text: string | null): string | null {
  if (!text) return null;
  const [before, last] = lastLines(text);
  const own = FINGERPRINT_LINE.exec(last ?? '');
  if (own) return own[1]!;
  if (last !== undefined && BATCH_LINE.test(last)) return FINGERPRINT_LINE.exec(before ?? '')?.[1] ?? null;
  return null;
}

/** The batch id among the text's last two lines (where the reporter writes it), or null. */
export function findBatch(text: string | null): string | null {
  if (!text) return null;
  for (const line of lastLines(text)) {
    const m = BATCH_LINE.exec(line ?? '');
    if (m) return m[1]!;
  }
  return null;
}
