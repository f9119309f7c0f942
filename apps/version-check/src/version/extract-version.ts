/** The default VERSION_PATTERN: the first `\d+\.\d+(\.\d+)?` in the file. */
export const DEFAULT_VERSION_PATTERN = /(\d+\.\d+(?:\.\d+)?)/;

/**
 * The version text in a version file: capture group 1 of `pattern` (or of
 * the default pattern). null when nothing matches or the group is empty.
 * CRLF endings and a byte-order mark are harmless: the pattern only looks
 * at what it captures.
 */
export function extractVersion(content: string, pattern: RegExp = DEFAULT_VERSION_PATTERN): string | null {
  // A fresh RegExp without the g/y flags: exec() always starts at 0, no lastIndex state.
  const re = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  const match = re.exec(content);
  const version = match?.[1]?.trim();
  return version ? version : null;
}
