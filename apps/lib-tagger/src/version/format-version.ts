import type { Version } from './parse-release-tag';

export function formatVersion(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}
