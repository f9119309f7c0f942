export interface VersionPair {
  source: string;
  target: string;
}

const MARKER_RE = /^<!-- version-check: source=(\S+) target=(\S+) -->$/;

/**
 * The hidden marker that identifies this service's thread for a pair of
 * versions. Versions are URI-encoded so no captured text can end the comment.
 */
export function formatMarker(pair: VersionPair): string {
  return `<!-- version-check: source=${encodeURIComponent(pair.source)} target=${encodeURIComponent(pair.target)} -->`;
}

/**
 * The pair in a note's marker, or null when the note carries none. Only the
 * note's last line counts, where this service writes it: a marker quoted
 * anywhere else (in someone's reply, inside code) is text, not ours.
 */
export function parseMarker(body: string): VersionPair | null {
  const lines = body.replace(/\s+$/, '').split(/\r?\n/);
  const m = MARKER_RE.exec(lines[lines.length - 1]!);
  if (!m) return null;
  try {
    return { source: decodeURIComponent(m[1]!), target: decodeURIComponent(m[2]!) };
  } catch {
    return null;
  }
}
