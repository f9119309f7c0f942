import { tempDir } from '@devops/testkit';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { formatReleaseEnv } from '../src/releases/publish/format-release-env';

/** Pieces that break naive quoting for sh or dotenv 17 (its LINE regex: `^`/`$` also at U+2028/U+2029). */
const PIECES = [
  "'",
  '"',
  '`',
  '$',
  '$5',
  '${HOME}',
  '\\',
  '\\\\',
  "\\'",
  '\\"',
  '\\n',
  '#',
  ' #x',
  '\u2028',
  '\u2029',
  '\u2028NODE_OPTIONS=--require=/tmp/evil.js',
  '\u2029RELEASE_PRODUCT=other',
  "'\u2028X='",
  '"\u2028Y="',
  '=',
  ' ',
  'a',
  'é',
  '🚀',
];

/** Each value: whether dotenv must read it exactly (README: all but a ' together with one of " $ ` \). */
const dotenvExact = (value: string) => !(value.includes("'") && /["$`\\]/.test(value));

/** What `. ./release.env` gives in sh: every RELEASE_* variable exported, read back NUL-separated. */
function readBySh(text: string): Record<string, string> {
  const dir = tempDir('quoting');
  fs.writeFileSync(path.join(dir, 'release.env'), text);
  const out = execFileSync('sh', ['-c', 'set -a; . ./release.env; env -0'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  const env: Record<string, string> = {};
  for (const entry of out.toString('utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0 && entry.startsWith('RELEASE_')) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

function checkReadBack(values: string[]): void {
  const entries = values.map((v, i): [string, string] => [`RELEASE_F${i}`, v]);
  const text = formatReleaseEnv(entries);
  const expected = Object.fromEntries(entries);
  expect(readBySh(text)).toEqual(expected);
  const byDotenv = dotenv.parse(text);
  expect(Object.keys(byDotenv).sort()).toEqual(Object.keys(expected).sort());
  for (const [key, value] of entries) {
    if (dotenvExact(value)) expect([key, byDotenv[key]]).toEqual([key, value]);
  }
}

describe('release.env quoting against sh and the real dotenv parser', () => {
  it("the issue's two breakouts: an extra NODE_OPTIONS key, and a trailing backslash that hid the next key", () => {
    const text = formatReleaseEnv([
      ['RELEASE_NOTE', "it's $5 #x\u2028NODE_OPTIONS=--require=/tmp/evil.js"],
      ['RELEASE_PATHNAME', 'C:\\builds\\'],
      ['RELEASE_CHANNEL', '#stable'],
      ['RELEASE_AFTER', "x'\\"],
      ['RELEASE_LAST', "'#'"],
    ]);
    const byDotenv = dotenv.parse(text);
    expect(Object.keys(byDotenv)).toEqual([
      'RELEASE_NOTE',
      'RELEASE_PATHNAME',
      'RELEASE_CHANNEL',
      'RELEASE_AFTER',
      'RELEASE_LAST',
    ]);
    expect(byDotenv.RELEASE_PATHNAME).toBe('C:\\builds\\');
    expect(byDotenv.RELEASE_CHANNEL).toBe('#stable');
    expect(byDotenv.RELEASE_LAST).toBe("'#'");
    expect(readBySh(text)).toEqual({
      RELEASE_NOTE: "it's $5 #x\u2028NODE_OPTIONS=--require=/tmp/evil.js",
      RELEASE_PATHNAME: 'C:\\builds\\',
      RELEASE_CHANNEL: '#stable',
      RELEASE_AFTER: "x'\\",
      RELEASE_LAST: "'#'",
    });
  });

  it('every piece and every pair of pieces, one per line and in every order of neighbours', () => {
    const values: string[] = [...PIECES];
    for (const a of PIECES) for (const b of PIECES) values.push(`${a}${b}`, `v ${a}x${b}`);
    checkReadBack(values);
  });

  it('2,000 random values of up to 6 pieces (seeded)', () => {
    let seed = 22;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 4; round++) {
      const values = Array.from({ length: 500 }, () =>
        Array.from(
          { length: 1 + Math.floor(random() * 6) },
          () => PIECES[Math.floor(random() * PIECES.length)],
        ).join(''),
      );
      checkReadBack(values);
    }
  });
});
