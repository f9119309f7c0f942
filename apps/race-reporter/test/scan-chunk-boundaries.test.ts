import { createRaceScanner, REPORT_KEEP_CHARS, type ScanPosition } from '../src/parse/create-race-scanner';
import { LINE_KEEP_BYTES } from '../src/parse/follow-long-line';
import type { RawReport } from '../src/parse/race-report';

/**
 * The scanner against reports built from the input, whatever the chunking: the marker, a CRLF and
 * long lines split by chunk boundaries at every offset, in both of the scanner's paths (chunks in a
 * reused buffer of the caller's, copied through the newline counter's scratch area; chunks read into
 * the scanner's own buffer, counted in place).
 */

/** A log under construction, with the reports (and cursor) its bytes must give. */
function buildLog(start: ScanPosition = { offset: 0, line: 1 }) {
  const parts: Buffer[] = [];
  const reports: RawReport[] = [];
  let offset = start.offset;
  let line = start.line;
  const add = (text: string) => {
    const b = Buffer.from(text);
    parts.push(b);
    offset += b.length;
    line += text.split('\n').length - 1;
  };
  return {
    noise(lines: string[], eol = '\n') {
      for (const l of lines) add(`${l}${eol}`);
    },
    /** A report: `body` (after the WARNING line), every line with `prefix` and `eol`, then the closing line. */
    report(
      body: string[],
      opts: { prefix?: string; eol?: string; keep?: (lines: string[]) => string[] } = {},
    ) {
      const { prefix = '', eol = '\n' } = opts;
      const at = { offset, line };
      const lines = ['WARNING: DATA RACE', ...body];
      for (const l of lines) add(`${prefix}${l}${eol}`);
      add(`${prefix}==================${eol}`);
      const kept = opts.keep ? opts.keep(lines) : lines;
      reports.push({
        startOffset: at.offset,
        endOffset: offset,
        line: at.line,
        prefix,
        lines: kept,
        droppedLines: lines.length - kept.length,
        cutLines: kept.filter((l) => l.includes('[line cut: ')).length,
        cutShort: false,
      });
    },
    /** A report whose closing line is not written yet: not reported, the cursor waits at it. */
    unclosed(body: string[], eol = '\n') {
      const at = { offset, line };
      for (const l of ['WARNING: DATA RACE', ...body]) add(`${l}${eol}`);
      return at;
    },
    done() {
      return { bytes: Buffer.concat(parts), reports, end: { offset, line } };
    },
  };
}

type Mode = 'reused buffer' | "scanner's buffer";

/** Scans `bytes` cut at `cuts` (offsets into `bytes`), each piece pushed as `mode` says. */
function scanCut(bytes: Buffer, cuts: number[], mode: Mode, start: ScanPosition = { offset: 0, line: 1 }) {
  const bounds = [0, ...cuts, bytes.length];
  const widest = Math.max(1, ...bounds.slice(1).map((b, i) => b - bounds[i]!));
  const reports: RawReport[] = [];
  const scanner = createRaceScanner({
    start,
    onReport: (r) => reports.push(r),
    readBytes: mode === "scanner's buffer" ? widest : 0,
  });
  const into = mode === "scanner's buffer" ? scanner.buffer : Buffer.alloc(widest);
  for (let i = 1; i < bounds.length; i++) {
    const n = bytes.copy(into, 0, bounds[i - 1], bounds[i]);
    into.fill(0x0a, n); // what a reused buffer holds past the chunk must never be read
    scanner.push(into.subarray(0, n));
  }
  return { reports, end: scanner.finish() };
}

const everyOffset = (bytes: Buffer, from = 0, to = bytes.length) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const modes: Mode[] = ['reused buffer', "scanner's buffer"];
const access = (fn: string, kind = 'Write', g = 7) => [
  `${kind} at 0x00c000010000 by goroutine ${g}:`,
  `  ${fn}()`,
  `      /srv/${fn}.go:10 +0x11`,
];
const body = (a: string, b: string) => [...access(a), '', ...access(b, 'Previous read', 8)];

describe.each(modes)('chunk boundaries (%s)', (mode) => {
  it('the marker split at every offset, prefixed CRLF lines: the same reports, offsets and cursor', () => {
    const log = buildLog();
    log.noise(['2024-05-01T03:00:00Z INFO started', 'WARNING: DATA RAC is not the marker'], '\r\n');
    log.report(body('main.a', 'main.b'), { prefix: '2024-05-01T03:00:01Z ', eol: '\r\n' });
    log.noise(['between'], '\r\n');
    log.report(body('main.c', 'main.d'), { eol: '\r\n' });
    log.noise(['after'], '\r\n');
    const { bytes, reports, end } = log.done();
    const marks = [...bytes.toString('latin1').matchAll(/WARNING: DATA RACE/g)].map((m) => m.index);
    expect(marks).toHaveLength(2);
    for (const at of marks)
      for (let cut = at - 1; cut <= at + 19; cut++) {
        const got = scanCut(bytes, [cut], mode);
        expect({ cut, reports: got.reports, safe: got.end.safe }).toEqual({ cut, reports, safe: end });
      }
  });

  it('a CR at the end of a chunk and its LF at the start of the next, on every line', () => {
    const log = buildLog();
    log.noise(['noise one', 'noise two'], '\r\n');
    log.report(body('main.e', 'main.f'), { prefix: '[svc] ', eol: '\r\n' });
    const { bytes, reports, end } = log.done();
    const crEnds = everyOffset(bytes).filter((i) => bytes[i - 1] === 0x0d);
    expect(crEnds.length).toBe(bytes.toString('latin1').split('\r\n').length - 1);
    expect(crEnds.length).toBeGreaterThan(10);
    for (const cut of crEnds) {
      const got = scanCut(bytes, [cut], mode);
      expect({ cut, reports: got.reports, safe: got.end.safe }).toEqual({ cut, reports, safe: end });
      expect(got.reports[0]!.lines.some((l) => l.includes('\r'))).toBe(false);
    }
  });

  it('every split into two and into one-byte chunks of a go test log gives the same reports', () => {
    const log = buildLog({ offset: 5000, line: 77 });
    log.noise(['=== RUN   TestCache', '--- PASS: TestCache (0.00s)']);
    log.report(body('example.com/c.(*Cache).Put', 'example.com/c.(*Cache).Get'));
    log.noise(['    testing.go:1465: race detected during execution of test', '--- FAIL: TestCache (0.01s)']);
    const { bytes, reports, end } = log.done();
    for (const cut of everyOffset(bytes)) {
      const got = scanCut(bytes, [cut], mode, { offset: 5000, line: 77 });
      expect({ cut, reports: got.reports, safe: got.end.safe }).toEqual({ cut, reports, safe: end });
    }
    const bytewise = scanCut(bytes, everyOffset(bytes, 1, bytes.length - 1), mode, {
      offset: 5000,
      line: 77,
    });
    expect(bytewise).toEqual({ reports, end: { safe: end, endOffset: end.offset, abandoned: 0 } });
  });

  it('a report with no closing line at the end: not reported, the cursor at its WARNING line, at every split', () => {
    const log = buildLog();
    log.noise(['before']);
    log.report(body('main.g', 'main.h'));
    const waiting = log.unclosed(body('main.i', 'main.j'));
    const { bytes, reports, end } = log.done();
    for (const cut of everyOffset(bytes)) {
      const got = scanCut(bytes, [cut], mode);
      expect({ cut, reports: got.reports, safe: got.end.safe }).toEqual({ cut, reports, safe: waiting });
      expect(got.end.endOffset).toBe(end.offset);
    }
  });

  describe('a line over 4 KiB spanning chunks', () => {
    /** As a report keeps it: its first 4 KiB, and its size up to its newline (a CR counts). */
    const cutLine = (l: string, eol = '\n') =>
      `${l.slice(0, LINE_KEEP_BYTES)} [line cut: ${Buffer.byteLength(l + eol) - 1} bytes, first ${LINE_KEEP_BYTES} kept]`;
    const frame = `  main.deep(${'x'.repeat(9000)})`;
    const opening = `${'y'.repeat(5000)} WARNING: DATA RACE`;
    const log = buildLog();
    log.noise([`noise ${'z'.repeat(7000)}`], '\r\n');
    log.report([...access('main.k'), frame, '', ...access('main.l', 'Previous read', 8)], {
      eol: '\r\n',
      keep: (lines) => lines.map((l) => (l === frame ? cutLine(l, '\r\n') : l)),
    });
    const first = log.done();
    // The marker after the first 4 KiB of its line: the report opens at the line's start.
    const tail = buildLog(first.end);
    tail.noise(
      [opening, ...access('main.m'), '', ...access('main.n', 'Previous read', 8), '=================='],
      '\n',
    );
    const second = tail.done();
    const late = first.end.offset;
    const bytes = Buffer.concat([first.bytes, second.bytes]);
    const reports = [
      ...first.reports,
      {
        startOffset: late,
        endOffset: bytes.length,
        line: first.end.line,
        prefix: '',
        lines: [cutLine(opening), ...access('main.m'), '', ...access('main.n', 'Previous read', 8)],
        droppedLines: 0,
        cutLines: 1,
        cutShort: false,
      },
    ];
    const safe = { offset: bytes.length, line: second.end.line };

    it.each([1, 13, 4095, 4096, 4097, 8191, 65536])('in chunks of %i bytes', (size) => {
      const cuts = everyOffset(bytes, 1, bytes.length - 1).filter((i) => i % size === 0);
      const got = scanCut(bytes, cuts, mode);
      expect(got.reports).toEqual(reports);
      expect(got.end.safe).toEqual(safe);
    });

    it('split in two at every offset around the long lines’ ends and 4 KiB heads', () => {
      const ends = [...bytes.toString('latin1').matchAll(/\n/g)].map((m) => m.index);
      const near = [...ends, LINE_KEEP_BYTES, late + LINE_KEEP_BYTES, late + 5000];
      for (const at of near)
        for (let cut = Math.max(1, at - 3); cut <= Math.min(bytes.length - 1, at + 3); cut++) {
          const got = scanCut(bytes, [cut], mode);
          expect({ cut, reports: got.reports, safe: got.end.safe }).toEqual({ cut, reports, safe });
        }
    });
  });

  it('a report longer than 256 KiB keeps its lines up to REPORT_KEEP_CHARS, the rest counted as dropped', () => {
    const frames = Array.from(
      { length: 1200 },
      (_, i) => `  main.f${String(i).padStart(4, '0')}(${'a'.repeat(290)})`,
    );
    const log = buildLog();
    log.noise(['start']);
    log.report([...access('main.big'), ...frames], {
      prefix: '2024/05/01 12:00:00 ',
      keep: (lines) => {
        // SPEC: a report keeps at most 256 KiB in all (each kept line and its newline, the first without).
        let chars = -1;
        return lines.filter((l) => (chars += l.length + 1) <= REPORT_KEEP_CHARS);
      },
    });
    log.report(body('main.after', 'main.big'), { prefix: '2024/05/01 12:00:09 ' });
    const { bytes, reports, end } = log.done();
    expect(bytes.length).toBeGreaterThan(REPORT_KEEP_CHARS + 64 * 1024);
    expect(reports[0]!.droppedLines).toBeGreaterThan(300);
    for (const size of [4096, 65536, 1 << 20]) {
      const cuts = everyOffset(bytes, 1, bytes.length - 1).filter((i) => i % size === 0);
      const got = scanCut(bytes, cuts, mode);
      expect(got.reports).toEqual(reports);
      expect(got.end.safe).toEqual(end);
    }
  });
});
