import { createRaceScanner, REPORT_KEEP_CHARS } from '../src/parse/create-race-scanner';
import { buildPrefixStripper } from '../src/parse/build-prefix-stripper';
import { parseRaceReport, stripArguments } from '../src/parse/parse-race-report';
import type { RawReport } from '../src/parse/race-report';

function scan(text: string): { reports: RawReport[]; safe: { offset: number; line: number } } {
  const reports: RawReport[] = [];
  const scanner = createRaceScanner({ start: { offset: 0, line: 1 }, onReport: (r) => reports.push(r) });
  scanner.push(Buffer.from(text));
  return { reports, safe: scanner.finish().safe };
}

const body = (fnA: string, fnB: string) => [
  'Write at 0x00c000010000 by goroutine 7:',
  `  ${fnA}()`,
  '      /srv/a.go:10 +0x11',
  '',
  'Previous read at 0x00c000010000 by goroutine 8:',
  `  ${fnB}()`,
  '      /srv/b.go:20 +0x22',
];
const report = (fnA: string, fnB: string, prefix = '') =>
  [`${prefix}==================`, 'WARNING: DATA RACE', ...body(fnA, fnB), '==================']
    .map((l, i) => (i === 0 ? l : `${prefix}${l}`))
    .join('\n') + '\n';

describe('stripArguments', () => {
  it.each([
    ['main.main()', 'main.main'],
    ['main.(*Server).handle()', 'main.(*Server).handle'],
    ['main.(*Server).handle(0xc000010, 0x2)', 'main.(*Server).handle'],
    ['example.com/x.Map[...].Store()', 'example.com/x.Map[...].Store'],
    ['main.func·002()', 'main.func·002'],
    ['main.noParens', 'main.noParens'],
  ])('%s → %s', (input, expected) => expect(stripArguments(input)).toBe(expected));
});

describe('prefix stripping', () => {
  it.each([
    ['2024-05-01T12:00:00.123Z WARNING: DATA RACE', '2024-05-01T12:00:01.9Z   main.f()', '  main.f()'],
    [
      '2024/05/01 12:00:00 WARNING: DATA RACE',
      '2024/05/01 12:00:01       /srv/a.go:1 +0x1',
      '      /srv/a.go:1 +0x1',
    ],
    ['[worker-3] WARNING: DATA RACE', '[worker-3]   main.f()', '  main.f()'],
    ['368: WARNING: DATA RACE', '1024:   main.f()', '  main.f()'],
    [
      'May  1 12:00:00 host app[123]: WARNING: DATA RACE',
      'May  1 12:00:01 host app[99123]:   main.f()',
      '  main.f()',
    ],
    ['WARNING: DATA RACE', '  main.f()', '  main.f()'],
    ['[worker-3] WARNING: DATA RACE', 'unprefixed line', 'unprefixed line'],
  ])('%s | %s', (warning, line, expected) => expect(buildPrefixStripper(warning).strip(line)).toBe(expected));
});

describe('scanner: strange cases', () => {
  it.each<[string, string, string[]]>([
    ['empty input', '', []],
    ['no race at all', 'just\nlog\nlines\n', []],
    ['one report', report('main.a', 'main.b'), ['Data race in main.a']],
    ['prefixed with a tag', report('main.a', 'main.b', '[svc] '), ['Data race in main.a']],
    ['CRLF', report('main.a', 'main.b').replace(/\n/g, '\r\n'), ['Data race in main.a']],
    ['mixed CRLF and LF', report('main.a', 'main.b').replace(/\n(?= {2})/g, '\r\n'), ['Data race in main.a']],
    [
      'several per log with noise',
      `x\n${report('main.a', 'main.b')}y\n${report('main.c', 'main.d')}z\n`,
      ['Data race in main.a', 'Data race in main.c'],
    ],
    [
      'stray mention, not a report',
      'level=warn msg="WARNING: DATA RACE seen"\nnothing\n==================\n',
      [],
    ],
    [
      'a report cut short by the next one is still reported',
      `WARNING: DATA RACE\n${body('main.a', 'main.b').join('\n')}\n${report('main.c', 'main.d')}`,
      ['Data race in main.a', 'Data race in main.c'],
    ],
    [
      'unterminated at EOF',
      `${report('main.a', 'main.b')}WARNING: DATA RACE\n${body('main.c', 'main.d').join('\n')}\n`,
      ['Data race in main.a'],
    ],
    ['closing line without final newline', report('main.a', 'main.b').trimEnd(), ['Data race in main.a']],
    [
      'main goroutine only',
      'WARNING: DATA RACE\nRead at 0x1 by main goroutine:\n  main.x()\n      /a.go:1 +0x1\n==================\n',
      ['Data race in main.x'],
    ],
  ])('%s', (_name, text, titles) => {
    const { reports } = scan(text);
    expect(reports.map((r) => parseRaceReport(r)?.title).filter(Boolean)).toEqual(titles);
  });

  it('an unterminated report keeps the cursor at its WARNING line; a finished one moves it to the end', () => {
    const done = report('main.a', 'main.b');
    const open = `WARNING: DATA RACE\n${body('main.c', 'main.d').join('\n')}\n`;
    expect(scan(done + open).safe).toEqual({
      offset: Buffer.byteLength(done),
      line: done.split('\n').length,
    });
    expect(scan(done).safe).toEqual({ offset: Buffer.byteLength(done), line: done.split('\n').length });
  });

  it('an unfinished last line is not passed (it may be a WARNING being written)', () => {
    expect(scan('a\nb\nWARNING: DATA').safe).toEqual({ offset: 4, line: 3 });
  });

  it('byte offsets count multibyte characters as bytes', () => {
    const pre = 'héllo wörld ✓\n';
    const { reports } = scan(pre + report('main.a', 'main.b'));
    expect(reports[0]!.startOffset).toBe(Buffer.byteLength(pre) + '==================\n'.length);
    expect(reports[0]!.line).toBe(3);
  });

  it('a block that never closes is given up after maxReportLines and scanning goes on', () => {
    const reports: RawReport[] = [];
    const scanner = createRaceScanner({
      start: { offset: 0, line: 1 },
      onReport: (r) => reports.push(r),
      maxReportLines: 50,
    });
    scanner.push(Buffer.from(`WARNING: DATA RACE\n${'noise\n'.repeat(100)}${report('main.a', 'main.b')}`));
    const end = scanner.finish();
    expect(end.abandoned).toBe(1);
    expect(reports.map((r) => parseRaceReport(r)?.title)).toEqual(['Data race in main.a']);
  });
});

describe("scanner: a report's lines as read", () => {
  /** `lines` as a log holds them: each with a prefix and CRLF; the WARNING line first. */
  const logOf = (reports: Buffer[][]) =>
    Buffer.concat(
      reports.flatMap((lines) => [
        ...lines.flatMap((l) => [Buffer.from('[svc] '), l, Buffer.from('\r\n')]),
        Buffer.from('[svc] ==================\r\n'),
      ]),
    );
  const b = (text: string) => Buffer.from(text);
  const odd = Buffer.concat([b('  main.ünï(✓ 🦀 '), Buffer.from([0xff, 0xfe, 0xe2, 0x9c]), b(')')]);
  const long = [
    b('WARNING: DATA RACE'),
    b('Write at 0x1 by goroutine 1:'),
    odd,
    b('      /srv/ö.go:1 +0x1'),
    b(''),
    b('Previous read at 0x1 by goroutine 2:'),
    b('  main.b()'),
  ];
  const short = [b('WARNING: DATA RACE'), b('Read at 0x2 by main goroutine:'), b('  main.c()')];

  function scanBytes(bytes: Buffer, size: number): RawReport[] {
    const reports: RawReport[] = [];
    const scanner = createRaceScanner({ start: { offset: 0, line: 1 }, onReport: (r) => reports.push(r) });
    for (let i = 0; i < bytes.length; i += size) scanner.push(bytes.subarray(i, i + size));
    scanner.finish(true);
    return reports;
  }

  it.each([1, 7, 4096])('in chunks of %i bytes, none carried into the next report', (size) => {
    const reports = scanBytes(logOf([long, short, long]), size);
    const expected = [long, short, long].map((lines) => lines.map((l) => l.toString('utf8')));
    expect(reports.map((r) => r.lines)).toEqual(expected);
    expect(reports.map((r) => r.droppedLines)).toEqual([0, 0, 0]);
    expect(reports[0]!.lines[2]).toContain('\uFFFD');
  });

  it('a report of ~390 KB of 3-byte characters (lines under 4 KiB) comes out whole', () => {
    const checks = Array.from({ length: 180 }, (_, i) => b(`  main.w${i}(${'✓'.repeat(100 + i * 7)})`));
    const big = [...long, ...checks];
    const reports = scanBytes(logOf([big, short]), 65536);
    expect(reports.map((r) => r.lines)).toEqual([big.map(String), short.map(String)]);
  });

  it('past REPORT_KEEP_CHARS the rest is counted, not kept, and the next report starts afresh', () => {
    const wide = b(`  main.wide(${'é'.repeat(1000)})`);
    const many = [...long, ...Array.from({ length: 400 }, () => wide)];
    const reports = scanBytes(logOf([many, short]), 65536);
    const keptWide = reports[0]!.lines.length - long.length;
    expect(reports[0]!.lines).toEqual(many.slice(0, long.length + keptWide).map(String));
    expect(keptWide * (wide.toString().length + 1)).toBeLessThanOrEqual(REPORT_KEEP_CHARS);
    expect((keptWide + 1) * (wide.toString().length + 1)).toBeGreaterThan(REPORT_KEEP_CHARS - 1000);
    expect(reports[0]!.droppedLines).toBe(400 - keptWide);
    expect(reports[1]!.lines).toEqual(short.map(String));
  });
});
