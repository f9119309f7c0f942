import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { tempDir } from '@devops/testkit';
import { gzipData, listTree, md5, releaseParts, sha256, startServer, upload, writeScript } from './helpers';

/** Printable values that break naive quoting: each must come back exactly from `. release.env` in sh. */
const NASTY: [string, string][] = [
  ['dollar', '$(touch /tmp/pwned-release-env) ${HOME} $HOME $0 $$'],
  ['backticks', '`id` and `uname -a`'],
  ['backslashes', 'C:\\path\\to\\file \\n \\t \\\\ \\$x'],
  ['doublequote', 'say "hi" and "\\"escaped\\""'],
  ['singlequote', "it's o'clock"],
  ['note', 'Fix the user\'s "login" page'],
  ['quote_dollar', "it's $HOME and '$(id)'"],
  ['quote_backtick', "it's `id`"],
  ['quote_backslash', "it's C:\\x\\ and \\'"],
  ['shell_escape', "'\\''"],
  ['only_quote', "'"],
  ['quotes_only', `'"'"'`],
  ['ansi_c', "$'\\x41'"],
  ['hash', 'value # not a comment #no'],
  ['spaces', '   leading and trailing   '],
  ['nonascii', 'grüße, 日本語, emoji 🚀, ñ'],
  ['separators', 'line\u2028separator\u2029paragraph'],
  ['empty', ''],
  ['equals', 'a=b=c'],
  ['semicolon', 'x; rm -rf / ; echo'],
  ['glob', '* ? [a-z] ~ ~root !1'],
  ['trailing', 'ends with a backslash \\'],
  ['ifs', '${IFS} ${PATH:+x}'],
  ['export_line', "x' ; export PATH=/tmp ; '"],
  ['line_separator_key', "it's $5 #x\u2028NODE_OPTIONS=--require=/tmp/evil.js"],
  ['ends_backslash', 'C:\\builds\\'],
  ['after_backslash', '#stable'],
  ['quote_ends_backslash', "it's \\"],
  ['after_quote_backslash', "'#'"],
];

/** What sh sees after `set -a; . ./release.env` in `dir`: every exported variable. */
function readBySh(dir: string, env: Record<string, string>): Record<string, string> {
  const out = execFileSync('sh', ['-c', 'set -a; . ./release.env; env -0'], { cwd: dir, env });
  return parseEnv0(out);
}

function parseEnv0(out: Buffer): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of out.toString('utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** SPEC: dotenv reads back exactly unless a value holds a ' together with one of " $ ` \ (README). */
const dotenvExact = (value: string) => !(value.includes("'") && /["$`\\]/.test(value));

describe('release.env', () => {
  it('nasty printable values read back exactly by sh, by the script, by release.json, and by dotenv where it can', async () => {
    const envOut = path.join(tempDir('envout'), 'env.bin');
    const script = writeScript(`env -0 > '${envOut}'`);
    const server = await startServer({ products: { products: { app: { requiredFields: [], script } } } });
    try {
      const data = gzipData(2000);
      const res = await upload(server.url, releaseParts(data, { fields: NASTY }));
      expect(res.status).toBe(201);
      const dir = path.join(server.dir, 'app', '1.0.0');
      const expected: Record<string, string> = {
        RELEASE_PRODUCT: 'app',
        RELEASE_VERSION: '1.0.0',
        RELEASE_MD5: md5(data),
        RELEASE_SHA256: sha256(data),
        RELEASE_SIZE: String(data.length),
        RELEASE_FILE: 'app-1.0.0.tgz',
      };
      for (const [name, value] of NASTY) expected[`RELEASE_${name.toUpperCase()}`] = value;

      const shEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent' };
      const bySh = readBySh(dir, shEnv);
      for (const [key, value] of Object.entries(expected)) expect([key, bySh[key]]).toEqual([key, value]);
      expect(bySh.PATH).toBe(shEnv.PATH);
      expect(fs.existsSync('/tmp/pwned-release-env')).toBe(false);

      const byScript = parseEnv0(fs.readFileSync(envOut));
      for (const [key, value] of Object.entries(expected)) expect([key, byScript[key]]).toEqual([key, value]);

      const record = JSON.parse(fs.readFileSync(path.join(dir, 'release.json'), 'utf8'));
      expect(record.fields).toEqual(Object.fromEntries(NASTY));

      const byDotenv = dotenv.parse(fs.readFileSync(path.join(dir, 'release.env')));
      expect(Object.keys(byDotenv).sort()).toEqual(Object.keys(expected).sort());
      const exact = Object.entries(expected).filter(([, v]) => dotenvExact(v));
      expect(exact.length).toBeGreaterThan(20);
      for (const [key, value] of exact) expect([key, byDotenv[key]]).toEqual([key, value]);
    } finally {
      await server.close();
    }
  });

  it('fields named like variables that change how programs run only ever set RELEASE_<NAME>', async () => {
    const server = await startServer();
    try {
      const fields: [string, string][] = [
        ['PATH', '/tmp/evil'],
        ['LD_AUDIT', '/tmp/evil.so'],
        ['LD_PRELOAD', '/tmp/evil.so'],
        ['GIT_SSH_COMMAND', 'touch /tmp/pwned-git'],
        ['PROMPT_COMMAND', 'touch /tmp/pwned-prompt'],
        ['IFS', 'x'],
        ['BASH_ENV', '/tmp/evil.sh'],
        ['NODE_OPTIONS', '--require /tmp/evil.js'],
      ];
      const res = await upload(server.url, releaseParts(gzipData(500), { fields }));
      expect(res.status).toBe(201);
      const shEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
      const bySh = readBySh(path.join(server.dir, 'app', '1.0.0'), shEnv);
      expect(bySh.PATH).toBe(shEnv.PATH);
      for (const [name, value] of fields) {
        expect([`RELEASE_${name}`, bySh[`RELEASE_${name}`]]).toEqual([`RELEASE_${name}`, value]);
        if (name !== 'PATH') expect([name, bySh[name]]).toEqual([name, undefined]);
      }
      const lines = fs.readFileSync(path.join(server.dir, 'app', '1.0.0', 'release.env'), 'utf8').split('\n');
      expect(lines.filter((l) => l !== '' && !l.startsWith('RELEASE_'))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it.each([
    ['newline', 'line one\nline two'],
    ['carriage return', 'a\r\nb'],
    ['tab', 'a\tb'],
    ['NUL', 'a\0b'],
    ['escape', 'red \u001b[31m'],
    ['DEL', 'a\u007fb'],
    ['C1 next line', 'a\u0085b'],
    ['C1 CSI', 'a\u009b31m'],
    ['a newline that looks like a second line', "x\nRELEASE_PRODUCT='other'"],
  ])('a control character (%s) is refused with 400 naming the field; nothing written', async (_n, value) => {
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
      expect(res.json.details).toEqual([
        { field: 'bad', problem: expect.stringContaining('control character') as unknown },
      ]);
      expect(listTree(server.dir)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it.each([['size'], ['File'], ['SHA256']])('a field named %s (a base key) is refused', async (name) => {
    const server = await startServer();
    try {
      const res = await upload(server.url, releaseParts(gzipData(100), { fields: [[name, 'x']] }));
      expect(res.status).toBe(400);
      expect(res.json.details).toEqual([
        { field: name, problem: `reserved: release.env already has RELEASE_${name.toUpperCase()}` },
      ]);
    } finally {
      await server.close();
    }
  });
});
