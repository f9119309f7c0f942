export type Bump = 'major' | 'minor' | 'patch';
export type BumpMode = 'patch' | 'conventional';

// A Conventional Commits header, also as a list item ("* feat: x" in squash messages).
const HEADER = /^\s*(?:[-*]\s+)?([A-Za-z]+)(?:\([^()\r\n]*\))?(!)?:\s*\S/;
const BREAKING_FOOTER = /^\s*BREAKING[ -]CHANGE\s*:/;

/**
 * How far a commit moves the version. `patch` mode: always patch. `conventional`:
 * `BREAKING CHANGE:` / `BREAKING-CHANGE:` footers or a `type!:` header → major,
 * a `feat` header → minor, anything else → patch. Every line is read, not only the
 * first: GitLab's merge and squash commits carry the merge request title and the
 * squashed commits' headers below their first line.
 */
export function decideBump(message: string, mode: BumpMode): Bump {
  if (mode === 'patch') return 'patch';
  let bump: Bump = 'patch';
  for (const line of message.split(/\r?\n/)) {
    if (BREAKING_FOOTER.test(line)) return 'major';
    const header = HEADER.exec(line);
    if (!header) continue;
    if (header[2] === '!') return 'major';
    if (header[1]!.toLowerCase() === 'feat') bump = 'minor';
  }
  return bump;
}
