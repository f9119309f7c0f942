import { createRaceScanner } from '../src/parse/create-race-scanner';
import { LINE_KEEP_BYTES } from '../src/parse/follow-long-line';
import { parseRaceReport } from '../src/parse/parse-race-report';
import type { RawReport } from '../src/parse/race-report';

/** Scans `text` pushed in chunks of `size` bytes (the reader reuses one buffer: so does this). */
function scan(text: string, size: number, complete = false) {
  const reports: RawReport[] = [];
  const scanner = createRaceScanner({ start: { offset: 0, line: 1 }, onReport: (r) => reports.push(r) });
  const bytes = Buffer.from(text);
  const reused = Buffer.alloc(size);
  for (let i = 0; i < bytes.length; i += size) {
    const n = bytes.copy(reused, 0, i, Math.min(bytes.length, i + size));
    scanner.push(reused.subarray(0, n));
  }
  return { reports, end: scanner.finish(complete) };
}

const cut = (line: string) =>
  `${line.slice(0, LINE_KEEP_BYTES)} [line cut: ${Buffer.byteLength(line)} bytes, first ${LINE_KEEP_BYTES} kept]`;
const access = (fnA: string, fnB: string) => [
  'Write at 0x00c000010000 by goroutine 7:',
  `  ${fnA}()`,
  '      /srv/a.go:10 +0x11',
  '',
  'Previous read at 0x00c000010000 by goroutine 8:',
  `  ${fnB}()`,
  '      /srv/b.go:20 +0x22',
];

const longFrame = `  main.deep(${'x'.repeat(10_000)})`;
const markLate = `${'y'.repeat(6000)} WARNING: DATA RACE`;
const cases: [string, string, (r: ReturnType<typeof scan>) => void][] = [
  [
    'a frame line of 10,000 bytes is kept as its first 4 KiB, marked; the race is the same',
    [
      '==================',
      'WARNING: DATA RACE',
      ...access('main.a', 'main.b'),
      longFrame,
      '==================',
      '',
    ].join('\n'),
    ({ reports }) => {
      expect(reports).toHaveLength(1);
      expect(reports[0]!.lines).toContain(cut(longFrame));
      expect(reports[0]!.cutLines).toBe(1);
      expect(parseRaceReport(reports[0]!)!.function).toBe('main.a');
    },
  ],
  [
    'a long line with WARNING after its first 4 KiB opens a report at its start',
    ['noise', markLate, ...access('main.c', 'main.d'), '==================', 'after', ''].join('\n'),
    ({ reports }) => {
      expect(reports).toHaveLength(1);
      expect(reports[0]!.startOffset).toBe('noise\n'.length);
      expect(reports[0]!.line).toBe(2);
      expect(reports[0]!.lines[0]).toBe(cut(markLate));
      expect(parseRaceReport(reports[0]!)!.function).toBe('main.c');
    },
  ],
  [
    'a closing line of 5000 `=` closes the report',
    ['WARNING: DATA RACE', ...access('main.e', 'main.f'), '='.repeat(5000), 'tail', ''].join('\n'),
    ({ reports, end }) => {
      expect(reports).toHaveLength(1);
      expect(end.safe.offset).toBe(end.endOffset);
    },
  ],
];

describe('lines longer than 4 KiB, across any chunking', () => {
  describe.each([1, 13, 4096, 4097, 65536, 1 << 20])('chunks of %i bytes', (size) => {
    it.each(cases)('%s', (_, text, check) => check(scan(text, size)));

    it('an unfinished long last line: read again next time, unless the file is complete (.gz)', () => {
      const text = `ok\n${'z'.repeat(9000)}`;
      expect(scan(text, size).end.safe).toEqual({ offset: 3, line: 2 });
      expect(scan(text, size, true).end.safe).toEqual({ offset: Buffer.byteLength(text), line: 3 });
    });
  });
});
