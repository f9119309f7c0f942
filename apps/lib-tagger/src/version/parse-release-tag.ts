/** A MAJOR.MINOR.PATCH release, as lib-tagger counts them. */
export interface Version {
  major: number;
  minor: number;
  patch: number;
}

export interface ReleaseTag extends Version {
  /** The whole tag name, prefix included. */
  name: string;
  /** Build metadata after `+` (semver: does not change the order), or null. */
  build: string | null;
}

const NUMBER = '(0|[1-9]\\d*)';
const PRE_ID = '(?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*)';
// Semantic Versioning 2.0.0, section 9–10 and the BNF: no leading zeros, dot-separated identifiers.
const SEMVER = new RegExp(
  `^${NUMBER}\\.${NUMBER}\\.${NUMBER}` +
    `(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?` +
    `(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$`,
);

/** A MAJOR.MINOR.PATCH string (no prefix, no pre-release, no build metadata), or null. */
export function parseVersion(text: string): Version | null {
  const m = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(text);
  if (!m) return null;
  return toVersion(m[1]!, m[2]!, m[3]!);
}

/**
 * The release a tag name stands for, or null when it is not one: the name must be
 * `<prefix>MAJOR.MINOR.PATCH` in strict semver (no leading zeros), without a
 * pre-release part. Build metadata (`+build.5`) is kept: it is still that release.
 */
export function parseReleaseTag(name: string, prefix: string): ReleaseTag | null {
  if (!name.startsWith(prefix)) return null;
  const m = SEMVER.exec(name.slice(prefix.length));
  if (!m || m[4] !== undefined) return null;
  const version = toVersion(m[1]!, m[2]!, m[3]!);
  if (!version) return null;
  return { name, ...version, build: m[5] ?? null };
}

function toVersion(major: string, minor: string, patch: string): Version | null {
  const parts = [Number(major), Number(minor), Number(patch)];
  // Beyond 2^53 a number no longer counts exactly: such a tag cannot be bumped safely.
  if (parts.some((n) => !Number.isSafeInteger(n))) return null;
  return { major: parts[0]!, minor: parts[1]!, patch: parts[2]! };
}
