import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { scanLogFile } from '../src/files/scan-log-file';
import { parseRaceReport } from '../src/parse/parse-race-report';
import { createRaceScanner } from '../src/parse/create-race-scanner';
import type { RaceReport } from '../src/parse/race-report';

const fixtures = path.join(__dirname, 'fixtures');

async function reportsOf(file: string): Promise<RaceReport[]> {
  const scan = await scanLogFile(file, { offset: 0, line: 1 });
  return scan.reports.map((r) => parseRaceReport(r)).filter((r): r is RaceReport => r !== null);
}

/** The documented fingerprint: both functions, sorted, sha256, 16 hex digits. */
function expectedFingerprint(a: string, b: string): string {
  return createHash('sha256')
    .update(`go-data-race\n${[a, b].sort().join('\n')}`)
    .digest('hex')
    .slice(0, 16);
}

interface Expected {
  title: string;
  kinds: string[];
  /** Function of each access (runtime frames skipped). */
  functions: [string, string];
  /** First reported frame's file:line of the first access. */
  top: string;
  /** 1-based line of the WARNING line. */
  line: number;
}

const table: [string, Expected[]][] = [
  [
    'go-run-simple.log',
    [
      {
        title: 'Data race in main.store',
        kinds: ['Write', 'Previous write'],
        functions: ['main.store', 'main.store'],
        top: '/tmp/go-build1234/main.go:12',
        line: 2,
      },
    ],
  ],
  [
    'go-test-fail.log',
    [
      {
        title: 'Data race in command-line-arguments_test.TestFail.func1',
        kinds: ['Write', 'Previous write'],
        functions: ['command-line-arguments_test.TestFail.func1', 'command-line-arguments_test.TestFail'],
        top: '/tmp/go-build5678/main_test.go:9',
        line: 3,
      },
    ],
  ],
  [
    'runtime-frames.log',
    [
      {
        title: 'Data race in main.main.func1',
        kinds: ['Write', 'Previous read'],
        functions: ['main.main.func1', 'main.main'],
        top: '/usr/local/go/src/runtime/map_faststr.go:203',
        line: 3,
      },
    ],
  ],
  [
    'atomic-old-format.log',
    [
      {
        title: 'Data race in example.com/breaker/circuit.(*Breaker).allowSingleTest',
        kinds: ['Write', 'Previous read'],
        functions: [
          'example.com/breaker/circuit.(*Breaker).allowSingleTest',
          'example.com/breaker/circuit.(*Breaker).allowSingleTest',
        ],
        top: '/usr/local/go/src/runtime/race_amd64.s:286',
        line: 2,
      },
      {
        title: 'Data race in example.com/kv/vlog.(*valueLog).write.func1',
        kinds: ['Write', 'Previous read'],
        functions: ['example.com/kv/vlog.(*valueLog).write.func1', 'example.com/kv/vlog.(*valueLog).Read'],
        top: '/usr/local/go/src/runtime/race_amd64.s:269',
        line: 20,
      },
    ],
  ],
  [
    'failed-restore-stack.log',
    [
      {
        title: 'Data race in net/http_test.TestIdleConnChannelLeak',
        kinds: ['Write', 'Previous read'],
        functions: ['net/http_test.TestIdleConnChannelLeak', '<unknown>'],
        top: '/home/dev/go/src/net/http/transport_test.go:1832',
        line: 5,
      },
    ],
  ],
  [
    'ci-timestamps.log',
    [
      {
        title: 'Data race in testing.(*common).logDepth',
        kinds: ['Read', 'Previous write'],
        functions: ['testing.(*common).logDepth', 'testing.tRunner.func1'],
        top: '/opt/hostedtoolcache/go/1.17.6/x64/src/testing/testing.go:768',
        line: 3,
      },
    ],
  ],
  [
    'cgo-main-goroutine.log',
    [
      {
        title: 'Data race in main.main',
        kinds: ['Read', 'Previous write'],
        functions: ['main.main', 'main.goCallback'],
        top: '/src/cgocb/main.go:34',
        line: 3,
      },
    ],
  ],
  [
    'two-reports.log',
    [
      {
        title: 'Data race in main.main.func2',
        kinds: ['Write', 'Previous write'],
        functions: ['main.main.func2', 'main.main'],
        top: '/srv/app/main.go:21',
        line: 3,
      },
      {
        title: 'Data race in main.h',
        kinds: ['Read', 'Previous write'],
        functions: ['main.h', 'main.main'],
        top: '/srv/app/main.go:22',
        line: 18,
      },
    ],
  ],
  [
    'all-runtime.log',
    [
      {
        title: 'Data race in runtime.slicebytetostring',
        kinds: ['Read', 'Previous write'],
        functions: ['runtime.slicebytetostring', 'example.com/app/buf.(*Buffer).Reset'],
        top: '/usr/local/go/src/runtime/string.go:81',
        line: 2,
      },
    ],
  ],
  [
    'tsan-atomic-kinds.log',
    [
      {
        title: 'Data race in example.com/app/stats.(*Counter).Set',
        kinds: ['Atomic write', 'Previous atomic read'],
        functions: ['example.com/app/stats.(*Counter).Set', 'example.com/app/stats.(*Counter).Get'],
        top: '/usr/local/go/src/runtime/race_amd64.s:229',
        line: 2,
      },
    ],
  ],
  [
    'crlf-windows.log',
    [
      {
        title: 'Data race in main.(*Server).handle',
        kinds: ['Write', 'Previous read'],
        functions: ['main.(*Server).handle', 'main.(*Server).stats'],
        top: 'C:/src/srv/server.go:42',
        line: 3,
      },
    ],
  ],
  ['cut-off-at-eof.log', []],
];

describe('race-detector output as it really appears (fixtures)', () => {
  it.each(table)('%s', async (name, expected) => {
    const reports = await reportsOf(path.join(fixtures, name));
    expect(reports.map((r) => r.title)).toEqual(expected.map((e) => e.title));
    reports.forEach((r, i) => {
      const e = expected[i]!;
      expect(r.accesses.map((a) => a.kind)).toEqual(e.kinds);
      expect(r.fingerprint).toBe(expectedFingerprint(...e.functions));
      expect(`${r.accesses[0]!.frames[0]!.file}:${r.accesses[0]!.frames[0]!.line}`).toBe(e.top);
      expect(r.line).toBe(e.line);
      expect(r.lines[0]).toBe('WARNING: DATA RACE');
      // Prefixes and CR are gone from every kept line.
      for (const l of r.lines) expect(l).not.toMatch(/\r|^\[app-7\]|^\d{4}-\d\d-\d\dT/);
    });
  });

  it('a report cut off at the end of a file leaves the cursor before it, and is found once it is complete', async () => {
    const file = path.join(fixtures, 'cut-off-at-eof.log');
    const first = await scanLogFile(file, { offset: 0, line: 1 });
    expect(first.reports).toHaveLength(0);
    // The block starts at the WARNING line (line 2, after the 19-byte fence line).
    expect(first.safe).toEqual({ offset: '==================\n'.length, line: 2 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-cut-'));
    const grown = path.join(dir, 'app.log');
    fs.writeFileSync(
      grown,
      `${fs.readFileSync(file, 'utf8')}  main.main()\n      /srv/app/main.go:23 +0x1c4\n==================\n`,
    );
    const second = await scanLogFile(grown, first.safe);
    expect(second.reports.map((r) => parseRaceReport(r)!.title)).toEqual(['Data race in main.main.func2']);
    expect(second.safe.offset).toBe(fs.statSync(grown).size);
  });

  it('reads .gz logs the same as plain ones', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-gz-'));
    const gz = path.join(dir, 'app.log.1.gz');
    fs.writeFileSync(gz, gzipSync(fs.readFileSync(path.join(fixtures, 'two-reports.log'))));
    const reports = await reportsOf(gz);
    expect(reports.map((r) => [r.title, r.line])).toEqual([
      ['Data race in main.main.func2', 3],
      ['Data race in main.h', 18],
    ]);
  });

  it('the same race on another host and run (other goroutines, addresses, lines, prefix) has the same fingerprint', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-fp-'));
    const original = fs.readFileSync(path.join(fixtures, 'crlf-windows.log'), 'utf8');
    const moved = original
      .replace(/0x00c0000a0010/g, '0x00c000ffee00')
      .replace(/goroutine 6/g, 'goroutine 61')
      .replace(/server\.go:42/g, 'server.go:44')
      .replace(/\r\n/g, '\n')
      .split('\n')
      .map((l) => `host-b | ${l}`)
      .join('\n');
    fs.writeFileSync(path.join(dir, 'b.log'), moved);
    const [a] = await reportsOf(path.join(fixtures, 'crlf-windows.log'));
    const [b] = await reportsOf(path.join(dir, 'b.log'));
    expect(b!.fingerprint).toBe(a!.fingerprint);
    const other = (await reportsOf(path.join(fixtures, 'two-reports.log')))[0]!;
    expect(other.fingerprint).not.toBe(a!.fingerprint);
  });

  it('chunk boundaries anywhere give the same reports', async () => {
    const bytes = fs.readFileSync(path.join(fixtures, 'ci-timestamps.log'));
    const whole = await scanLogFile(path.join(fixtures, 'ci-timestamps.log'), { offset: 0, line: 1 });
    for (const size of [1, 7, 64]) {
      const got: number[] = [];
      const scanner = createRaceScanner({
        start: { offset: 0, line: 1 },
        onReport: (r) => got.push(r.startOffset, r.endOffset, r.line),
      });
      for (let i = 0; i < bytes.length; i += size) scanner.push(bytes.subarray(i, i + size));
      scanner.finish();
      expect(got).toEqual(whole.reports.flatMap((r) => [r.startOffset, r.endOffset, r.line]));
    }
  });
});
