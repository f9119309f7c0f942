import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { scanLogFile } from '../src/files/scan-log-file';
import { createRaceScanner } from '../src/parse/create-race-scanner';
import { fingerprintRaceLines } from '../src/parse/fingerprint-race-lines';
import { parseRaceReport } from '../src/parse/parse-race-report';
import type { RawReport } from '../src/parse/race-report';

// Every report is fingerprinted by fingerprintRaceLines; only a race's first one is parsed in full.
// Both must give the same fingerprint, or a race would split into two issues (or miss its own).

const fixtures = path.join(__dirname, 'fixtures');

/** What the full parse says: the reference. */
function fullFingerprint(raw: RawReport): string | null {
  return parseRaceReport(raw)?.fingerprint ?? null;
}

function scan(text: string): RawReport[] {
  const reports: RawReport[] = [];
  const scanner = createRaceScanner({ start: { offset: 0, line: 1 }, onReport: (r) => reports.push(r) });
  scanner.push(Buffer.from(text));
  scanner.finish(true);
  return reports;
}

/** The documented fingerprint: both functions, sorted, sha256, 16 hex digits. */
function documented(a: string, b: string): string {
  return createHash('sha256')
    .update(`go-data-race\n${[a, b].sort().join('\n')}`)
    .digest('hex')
    .slice(0, 16);
}

const logs = fs.readdirSync(fixtures).filter((f) => f.endsWith('.log'));

describe('fingerprintRaceLines gives what the full parse gives', () => {
  it('covers every fixture', () => expect(logs.length).toBeGreaterThanOrEqual(12));

  it.each(logs)('%s: every report', async (file) => {
    const { reports } = await scanLogFile(path.join(fixtures, file), { offset: 0, line: 1 });
    for (const raw of reports) expect(fingerprintRaceLines(raw.lines)).toBe(fullFingerprint(raw));
  });

  const w = (n: number) => `Write at 0x00c0000${n} by goroutine ${n}:`;
  const r = (n: number) => `Previous read at 0x00c0000${n} by goroutine ${n + 1}:`;
  const block = (...lines: string[]) =>
    ['==================', 'WARNING: DATA RACE', ...lines, '=================='].join('\n') + '\n';

  it.each<[string, string, [string, string] | null]>([
    [
      'plain',
      block(w(1), '  main.a()', '      /a.go:1 +0x1', '', r(2), '  main.b()', '      /b.go:2 +0x2'),
      ['main.a', 'main.b'],
    ],
    [
      'runtime frames skipped in both accesses',
      block(
        w(1),
        '  runtime.mapassign()',
        '      /rt.go:1 +0x1',
        '  main.a()',
        '      /a.go:1 +0x1',
        '',
        r(2),
        '  sync/atomic.AddInt32()',
        '      /s:1',
        '  internal/race.Read()',
        '      /r:1',
        '  main.b(0x1, 0x2)',
        '      /b.go:2 +0x2',
      ),
      ['main.a', 'main.b'],
    ],
    [
      'every frame the runtime: the first names it',
      block(
        w(1),
        '  runtime.slicebytetostring()',
        '      /rt.go:1 +0x1',
        '  runtime.x()',
        '',
        r(2),
        '  main.b()',
      ),
      ['runtime.slicebytetostring', 'main.b'],
    ],
    ['one access only', block(w(1), '  main.a()', '      /a.go:1 +0x1'), ['main.a', 'main.a']],
    [
      'a stack that could not be restored',
      block(w(1), '  main.a()', '', r(2), '  [failed to restore the stack]'),
      ['main.a', '<unknown>'],
    ],
    [
      'a third access does not count',
      block(w(1), '  main.a()', '', r(2), '  runtime.x()', '  main.b()', '', w(3), '  main.c()'),
      ['main.a', 'main.b'],
    ],
    [
      'a third access does not count, even after a second one of runtime frames only',
      block(w(1), '  main.a()', '', r(2), '  runtime.x()', '', w(3), '  main.c()'),
      ['main.a', 'runtime.x'],
    ],
    [
      'a second header before any frame',
      block(w(1), r(2), '  main.b()', '      /b.go:2 +0x2'),
      ['<unknown>', 'main.b'],
    ],
    [
      'the stack ends at the next section, not at the first runtime frame',
      block(
        w(1),
        '  runtime.x()',
        'Goroutine 7 (running) created at:',
        '  main.spawn()',
        '',
        r(2),
        '  main.b()',
      ),
      ['runtime.x', 'main.b'],
    ],
    [
      'a file line is a frame when no frame waits for it or when it ends in )',
      block(w(1), '      /srv/a.go:1 +0x1', '  main.a()', '  main.odd:3()', '', r(2), '  main.b()'),
      ['/srv/a.go:1 +0x1', 'main.b'],
    ],
    [
      'header case and TSan kinds',
      block(
        'atomic write of size 8 at 0x1 by thread T1 (mutexes: write M1):',
        '  main.a()',
        '',
        'Previous Read at 0x1 by main goroutine:',
        '  main.b()',
      ),
      ['main.a', 'main.b'],
    ],
    [
      'frames before any header do not count',
      block('  main.zero()', w(1), '  main.a()', '', r(2), '  main.b()'),
      ['main.a', 'main.b'],
    ],
    [
      'CRLF and a prefix',
      block(w(1), '  main.a()', '', r(2), '  main.b()').replace(/^/gm, '[svc] ').replace(/\n/g, '\r\n'),
      ['main.a', 'main.b'],
    ],
    ['no access: a stray mention', block('nothing here', '  main.a()'), null],
  ])('%s', (_name, text, functions) => {
    const [raw] = scan(text);
    const fingerprint = fingerprintRaceLines(raw!.lines);
    expect(fingerprint).toBe(fullFingerprint(raw!));
    expect(fingerprint).toBe(functions && documented(...functions));
    if (functions) expect(parseRaceReport(raw!)!.function).toBe(functions[0]);
  });
});
