import { compareVersions } from './compare-versions';
import { parseReleaseTag, type ReleaseTag } from './parse-release-tag';

/**
 * The highest release among tag names with this prefix (semver order; pre-release,
 * non-semver and other-prefix names ignored), or null. Of two names for the same
 * release (`v1.2.3` and `v1.2.3+build`), the one without build metadata wins.
 */
export function findHighestRelease(names: Iterable<string>, prefix: string): ReleaseTag | null {
  let best: ReleaseTag | null = null;
  for (const name of names) {
    const tag = parseReleaseTag(name, prefix);
    if (!tag) continue;
    const order = best ? compareVersions(tag, best) : 1;
    if (order > 0 || (order === 0 && best?.build !== null && tag.build === null)) best = tag;
  }
  return best;
}
