import { decideBump, type Bump } from '../src/version/decide-bump';
import { findHighestRelease } from '../src/version/find-highest-release';
import { formatVersion } from '../src/version/format-version';
import { nextVersion } from '../src/version/next-version';
import { parseReleaseTag, parseVersion } from '../src/version/parse-release-tag';

describe('parseReleaseTag', () => {
  it.each([
    // [name, prefix, expected "M.m.p" or null]
    ['v1.2.3', 'v', '1.2.3'],
    ['v0.0.0', 'v', '0.0.0'],
    ['v10.20.30', 'v', '10.20.30'],
    ['v1.2.3+build.5', 'v', '1.2.3'],
    ['v1.2.3+20240101.sha-abc', 'v', '1.2.3'],
    ['v1.2.3-rc.1', 'v', null],
    ['v1.2.3-rc.1+build', 'v', null],
    ['v1.2.3-0', 'v', null],
    ['v1.2.3-', 'v', null],
    ['v1.2.3+', 'v', null],
    ['v1.2.3-01', 'v', null],
    ['v01.2.3', 'v', null],
    ['v1.02.3', 'v', null],
    ['v1.2.03', 'v', null],
    ['v1.2', 'v', null],
    ['v1.2.3.4', 'v', null],
    ['v1', 'v', null],
    ['1.2.3', 'v', null],
    ['V1.2.3', 'v', null],
    ['vv1.2.3', 'v', null],
    [' v1.2.3', 'v', null],
    ['v1.2.3 ', 'v', null],
    ['v-1.2.3', 'v', null],
    ['v1.2.x', 'v', null],
    ['latest', 'v', null],
    ['', 'v', null],
    ['v', 'v', null],
    ['v99999999999999999999.0.0', 'v', null],
    ['sub/v1.2.3', 'v', null],
    ['sub/v1.2.3', 'sub/v', '1.2.3'],
    ['v1.2.3', 'sub/v', null],
    ['other/sub/v1.2.3', 'sub/v', null],
    ['sub/v1.2.3-beta', 'sub/v', null],
    ['1.2.3', '', '1.2.3'],
    ['release-4.5.6', 'release-', '4.5.6'],
  ])('%j with prefix %j → %j', (name, prefix, expected) => {
    const tag = parseReleaseTag(name, prefix);
    expect(tag ? formatVersion(tag) : null).toBe(expected);
    if (tag) expect(tag.name).toBe(name);
  });

  it('keeps build metadata apart', () => {
    expect(parseReleaseTag('v1.2.3+exp.sha.5114f85', 'v')?.build).toBe('exp.sha.5114f85');
    expect(parseReleaseTag('v1.2.3', 'v')?.build).toBeNull();
  });
});

describe('parseVersion (LIB_TAGGER_INITIAL)', () => {
  it.each([
    ['0.1.0', '0.1.0'],
    ['1.0.0', '1.0.0'],
    ['v1.0.0', null],
    ['01.0.0', null],
    ['1.0', null],
    ['1.0.0-rc.1', null],
    ['', null],
  ])('%j → %j', (text, expected) => {
    const v = parseVersion(text);
    expect(v ? formatVersion(v) : null).toBe(expected);
  });
});

describe('findHighestRelease', () => {
  it.each([
    [['v1.2.9', 'v1.2.10', 'v1.10.0-rc.1', 'latest'], 'v', 'v1.2.10'],
    [['v1.2.10', 'v1.2.9'], 'v', 'v1.2.10'],
    [['v2.0.0', 'v10.0.0', 'v9.9.9'], 'v', 'v10.0.0'],
    [['v1.9.0', 'v1.10.0', 'v1.1.0'], 'v', 'v1.10.0'],
    [['v1.0.0', 'v2.0.0-alpha', 'v2.0.0-rc.99'], 'v', 'v1.0.0'],
    [['v1.2.3', 'v01.9.9', 'v1.2.3.4', 'vnext', 'v2'], 'v', 'v1.2.3'],
    [['v1.2.3', 'v1.3.0+build.1'], 'v', 'v1.3.0+build.1'],
    [['v1.3.0+build.1', 'v1.3.0'], 'v', 'v1.3.0'],
    [['v1.3.0', 'v1.3.0+build.1'], 'v', 'v1.3.0'],
    [['v5.0.0', 'sub/v1.4.0', 'sub/v1.3.9'], 'sub/v', 'sub/v1.4.0'],
    [['v5.0.0', 'sub/v1.4.0'], 'v', 'v5.0.0'],
    [['v5.0.0', 'other/v9.0.0'], 'sub/v', null],
    [['v1.10.0-rc.1', 'latest', 'vnext'], 'v', null],
    [[], 'v', null],
  ])('%j with prefix %j → %j', (names, prefix, expected) => {
    expect(findHighestRelease(names, prefix)?.name ?? null).toBe(expected);
  });
});

describe('decideBump', () => {
  it.each<[string, 'patch' | 'conventional', Bump]>([
    ['feat: add X', 'patch', 'patch'],
    ['feat!: drop Y', 'patch', 'patch'],
    ['fix: a bug', 'conventional', 'patch'],
    ['chore(deps): bump', 'conventional', 'patch'],
    ['Update README', 'conventional', 'patch'],
    ['', 'conventional', 'patch'],
    ['feat: add X', 'conventional', 'minor'],
    ['feat(api): add X', 'conventional', 'minor'],
    ['Feat: add X', 'conventional', 'minor'],
    ['feature: add X', 'conventional', 'patch'],
    ['feat:', 'conventional', 'patch'],
    ['feat!: drop Y', 'conventional', 'major'],
    ['fix(api)!: change Z', 'conventional', 'major'],
    ['refactor!: rename', 'conventional', 'major'],
    ['fix: x\n\nBREAKING CHANGE: the API moved', 'conventional', 'major'],
    ['fix: x\r\n\r\nBREAKING-CHANGE: the API moved', 'conventional', 'major'],
    ['fix: mention that no BREAKING CHANGE: happens here', 'conventional', 'patch'],
    ["Merge branch 'f' into 'main'\n\nfeat: add X\n\nSee merge request g/p!1", 'conventional', 'minor'],
    ['fix: a\n\n* feat: b\n* fix: c', 'conventional', 'minor'],
    ['fix: a\n\n- refactor!: b', 'conventional', 'major'],
  ])('%j in %s mode → %s', (message, mode, expected) => {
    expect(decideBump(message, mode)).toBe(expected);
  });
});

describe('nextVersion', () => {
  const initial = { major: 0, minor: 1, patch: 0 };
  const v = (s: string) => parseVersion(s)!;
  it.each<[string | null, Bump, string]>([
    [null, 'patch', '0.1.0'],
    [null, 'major', '0.1.0'],
    ['1.2.10', 'patch', '1.2.11'],
    ['1.2.10', 'minor', '1.3.0'],
    ['1.2.10', 'major', '2.0.0'],
    ['1.9.9', 'patch', '1.9.10'],
    ['0.3.4', 'patch', '0.3.5'],
    ['0.3.4', 'minor', '0.4.0'],
    ['0.3.4', 'major', '0.4.0'],
    ['0.0.7', 'major', '0.1.0'],
    ['9.0.0', 'major', '10.0.0'],
  ])('%j + %s → %s', (previous, bump, expected) => {
    expect(formatVersion(nextVersion(previous ? v(previous) : null, bump, initial))).toBe(expected);
  });

  it('uses LIB_TAGGER_INITIAL when there is no release', () => {
    expect(formatVersion(nextVersion(null, 'minor', v('1.0.0')))).toBe('1.0.0');
  });
});
