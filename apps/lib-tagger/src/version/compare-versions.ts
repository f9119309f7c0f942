import type { Version } from './parse-release-tag';

/** Semver precedence of two releases: negative, 0 or positive. */
export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}
