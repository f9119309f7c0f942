import { extractVersion } from '../src/version/extract-version';
import { lineOf, versionsMatch, type MatchLevel } from '../src/version/compare-versions';
import { formatMarker, parseMarker } from '../src/threads/version-marker';
import { whyIgnoreMergeRequest } from '../src/should-check-merge-request';
import type { MergeRequestPayload } from '@devops/webhooks';

// The patterns an operator would set for each file kind (documented in the README).
const GO_PATTERN = /const\s+Version\s*=\s*"v?([^"]+)"/m;
const PACKAGE_JSON_PATTERN = /"version"\s*:\s*"([^"]+)"/m;

describe('extractVersion', () => {
  it.each<[string, string, RegExp | undefined, string | null]>([
    ['plain VERSION file', '5.4.1\n', undefined, '5.4.1'],
    ['plain VERSION, two parts', '5.4', undefined, '5.4'],
    ['plain VERSION with CRLF and a BOM', '\uFEFF5.3.12\r\n', undefined, '5.3.12'],
    ['default takes the first version', 'product 5.4.1 (built on 1.2.3)', undefined, '5.4.1'],
    ['default on a Go version.go', 'package version\n\nconst Version = "5.4.1"\n', undefined, '5.4.1'],
    ['default on a package.json', '{\n  "name": "x",\n  "version": "5.4.1"\n}\n', undefined, '5.4.1'],
    [
      'Go version.go with its pattern',
      '// bumped for 1.2.3\nconst Version = "v5.4.1"\n',
      GO_PATTERN,
      '5.4.1',
    ],
    [
      'package.json with its pattern (ignores dependency versions before it)',
      '{"engines": {"node": "20.1.0"}, "version": "5.4.1-rc.1"}',
      PACKAGE_JSON_PATTERN,
      '5.4.1-rc.1',
    ],
    ['package.json without a version', '{"name": "x"}', PACKAGE_JSON_PATTERN, null],
    ['empty file', '', undefined, null],
    ['no version in the text', 'TBD\n', undefined, null],
    ['a global-flag pattern still starts at 0', 'v=1.2.3', /(\d+\.\d+\.\d+)/g, '1.2.3'],
  ])('%s', (_name, content, pattern, expected) => {
    expect(extractVersion(content, pattern)).toBe(expected);
  });
});

describe('versionsMatch', () => {
  it.each<[string, string, MatchLevel, boolean]>([
    ['5.4.1', '5.4.7', 'minor', true],
    ['5.3.9', '5.4.0', 'minor', false],
    ['5.3.9', '5.4.0', 'major', true],
    ['4.9.9', '5.0.0', 'major', false],
    ['5.4.1', '5.4.1', 'patch', true],
    ['5.4.1', '5.4.2', 'patch', false],
    // A missing part counts as 0: 5.4 is 5.4.0.
    ['5.4', '5.4.0', 'patch', true],
    ['5.4', '5.4.1', 'patch', false],
    ['5.4', '5.4.1', 'minor', true],
    ['5', '5.0', 'minor', true],
    ['05.04', '5.4', 'minor', true],
    ['v5.4.1', '5.4.3', 'minor', true],
    ['5.4.1-rc.1', '5.4.1', 'patch', true],
    ['5.10.0', '5.1.0', 'minor', false],
    ['abc', 'abc', 'minor', false],
  ])('%s vs %s at %s → %s', (a, b, level, expected) => {
    expect(versionsMatch(a, b, level)).toBe(expected);
  });

  it.each<[string, MatchLevel, string | null]>([
    ['5.4.1', 'major', '5'],
    ['5.4.1', 'minor', '5.4'],
    ['5.4', 'patch', '5.4.0'],
    ['release', 'minor', null],
  ])('lineOf(%s, %s) → %s', (v, level, expected) => {
    expect(lineOf(v, level)).toBe(expected);
  });
});

describe('version marker', () => {
  it.each([
    { source: '5.3.2', target: '5.4.0' },
    { source: '5.3 --> x', target: '1.0 beta' },
  ])('round-trips %j and stays one HTML comment', (pair) => {
    const marker = formatMarker(pair);
    expect(marker.startsWith('<!--')).toBe(true);
    expect(marker.indexOf('-->')).toBe(marker.length - 3);
    expect(parseMarker(`text\n\n${marker}\n`)).toEqual(pair);
  });

  it('finds no marker in ordinary notes', () => {
    expect(parseMarker('looks good to me <!-- other -->')).toBeNull();
  });
});

describe('whyIgnoreMergeRequest', () => {
  const base = (
    attrs: Record<string, unknown>,
    changes: MergeRequestPayload['changes'] = {},
  ): MergeRequestPayload => ({
    object_kind: 'merge_request',
    object_attributes: { iid: 1, ...attrs },
    changes,
  });
  it.each<[string, MergeRequestPayload, boolean]>([
    ['open', base({ action: 'open' }), true],
    ['reopen', base({ action: 'reopen' }), true],
    ['update with new code (oldrev)', base({ action: 'update', oldrev: 'abc123' }), true],
    [
      'update retargeting the MR',
      base({ action: 'update' }, { target_branch: { previous: 'release/5.3', current: 'release/5.4' } }),
      true,
    ],
    ['update with empty changes', base({ action: 'update' }), false],
    [
      'update of the title only',
      base({ action: 'update' }, { title: { previous: 'a', current: 'b' } }),
      false,
    ],
    ['merge', base({ action: 'merge' }), false],
    ['close', base({ action: 'close' }), false],
    ['approved', base({ action: 'approved' }), false],
    ['no object_attributes', { object_kind: 'merge_request' }, false],
  ])('%s → checked: %s', (_name, payload, checked) => {
    const why = whyIgnoreMergeRequest(payload);
    if (checked) expect(why).toBeUndefined();
    else expect(typeof why).toBe('string');
  });
});
