import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { formatReleaseEnv } from '../src/releases/format-release-env';
import { gzipData, listTree, md5, releaseParts, sha256, startServer, upload } from './helpers';

const HOSTILE: [string, string][] = [
  ['dollar', '$(touch /tmp/pwned-release-env) ${HOME} $HOME'],
  ['backticks', '`id` and `uname -a`'],
  ['backslashes', 'C:\\path\\to\\file \\n \\t \\\\ \\$x'],
  ['doublequote', 'say "hi" and "\\"escaped\\""'],
  ['singlequote', "it's o'clock"],
  ['hash', 'value # not a comment #no'],
  ['spaces', '   leading and trailing   '],
  ['nonascii', 'grüße, 日本語, emoji 🚀, ñ'],
  ['newline', 'line one\nline two\n  indented # hash'],
  ['empty', ''],
  ['equals', 'a=b=c'],
  ['semicolon', 'x; rm -rf / ; echo'],
  ['trailing', 'ends with a backslash \\'],
  ['lookslike', "x\nOTHER='injected'"],
];

function readBySh(dir: string): Record<string, string> {
  const out = execFileSync('sh', ['-c', 'set -a; . ./release.env; env -0'], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '' },
  });
  const env: Record<string, string> = {};
  for (const entry of out.toString('utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

describe('release.env', () => {
  it('hostile values read back exactly by sh (set -a; . ./release.env) and by dotenv', async () => {
    const server = await startServer();
    try {
      const data = gzipData(2000);
      const res = await upload(server.url, releaseParts(data, { fields: HOSTILE }));
      expect(res.status).toBe(201);
      const dir = path.join(server.dir, 'app', '1.0.0');
      const expected: Record<string, string> = {
        PRODUCT: 'app',
        VERSION: '1.0.0',
        MD5: md5(data),
        SHA256: sha256(data),
        SIZE: String(data.length),
        FILE: 'app-1.0.0.tgz',
      };
      for (const [name, value] of HOSTILE) expected[name.toUpperCase()] = value;

      const byDotenv = dotenv.parse(fs.readFileSync(path.join(dir, 'release.env')));
      expect(byDotenv).toEqual(expected);
      const bySh = readBySh(dir);
      for (const [key, value] of Object.entries(expected)) expect([key, bySh[key]]).toEqual([key, value]);
      expect(bySh.OTHER).toBeUndefined();
      expect(fs.existsSync('/tmp/pwned-release-env')).toBe(false);
      // and release.json holds the same values
      const record = JSON.parse(fs.readFileSync(path.join(dir, 'release.json'), 'utf8'));
      expect(record.fields).toEqual(Object.fromEntries(HOSTILE));
    } finally {
      await server.close();
    }
  });

  it.each([
    ['quote and dollar', "it's $HOME"],
    ['quote and backtick', "it's `id`"],
    ['quote and backslash', "it's C:\\x"],
    ['quote and double quote', `it's "x"`],
    ['carriage return', 'a\r\nb'],
  ])(
    'a value no quoting can carry (%s) is refused with 400 naming the field; nothing written',
    async (_n, value) => {
      const server = await startServer();
      try {
        const res = await upload(
          server.url,
          releaseParts(gzipData(100), {
            fields: [
              ['ok', 'fine'],
              ['bad', value],
            ],
          }),
        );
        expect(res.status).toBe(400);
        expect(res.json.details).toEqual([expect.objectContaining({ field: 'bad' })]);
        expect(listTree(server.dir)).toEqual([]);
      } finally {
        await server.close();
      }
    },
  );

  it.each([
    ["it's", `K="it's"`],
    ['plain', "K='plain'"],
    ['a"b', `K='a"b'`],
  ])('quotes %j as %s', (value, line) => {
    expect(formatReleaseEnv([['K', value, 'k']]).text).toBe(`${line}\n`);
  });
});
