import type { Bump } from './decide-bump';
import type { Version } from './parse-release-tag';

/**
 * The version after `previous` (or `initial` when there is none).
 * On 0.x a major bump moves the minor instead: leaving 0.x for 1.0.0 is a
 * promise of stability a person makes by pushing v1.0.0 by hand, not something
 * a `feat!:` commit should do by itself (Cargo, release-please and commitizen
 * treat 0.x the same way).
 */
export function nextVersion(previous: Version | null, bump: Bump, initial: Version): Version {
  if (!previous) return { ...initial };
  const { major, minor, patch } = previous;
  const effective = bump === 'major' && major === 0 ? 'minor' : bump;
  switch (effective) {
    case 'major':
      return { major: major + 1, minor: 0, patch: 0 };
    case 'minor':
      return { major, minor: minor + 1, patch: 0 };
    case 'patch':
      return { major, minor, patch: patch + 1 };
  }
}
