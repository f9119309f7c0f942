import fs from 'node:fs';
import path from 'node:path';
import { removeTempDirs, tempDir } from '@devops/testkit';
import { openLogStream } from '../src/files/open-log-stream';
import { scanLogFile } from '../src/files/scan-log-file';
import { createRaceScanner } from '../src/parse/create-race-scanner';
import type { RawReport } from '../src/parse/race-report';

/**
 * Plain files are read ahead: the next piece is read into the other half of the buffer while the
 * caller scans this one. What a chunk holds must not change under the caller, and no byte may be lost,
 * doubled or reordered across the halves.
 */

afterAll(removeTempDirs);

function writeLog(name: string, bytes: Buffer): string {
  const file = path.join(tempDir('read-ahead'), name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** Lines of varying length with the line number in each, so a lost or doubled piece shows. */
function numberedLines(totalBytes: number): Buffer {
  const parts: string[] = [];
  let size = 0;
  for (let n = 1; size < totalBytes; n++) {
    const line = `${n} ${'x'.repeat(n % 97)}\n`;
    parts.push(line);
    size += line.length;
  }
  return Buffer.from(parts.join(''));
}

describe('openLogStream on a plain file', () => {
  it('yields every byte from the start offset once, in order, each chunk in the half the read-ahead is not filling', async () => {
    const bytes = numberedLines(1024 * 1024);
    const file = writeLog('numbered.log', bytes);
    const buf = Buffer.alloc(64 * 1024);
    const from = 1000;
    const copies: Buffer[] = [];
    let previous: Buffer | undefined;
    for await (const chunk of openLogStream(file, from, buf)) {
      expect(chunk.buffer).toBe(buf.buffer);
      if (previous) {
        // While a chunk is scanned, the next piece is read into the other half: never into this one.
        const [a, b] = [previous, chunk].sort((x, y) => x.byteOffset - y.byteOffset);
        expect(a!.byteOffset + a!.length).toBeLessThanOrEqual(b!.byteOffset);
      }
      copies.push(Buffer.from(chunk));
      previous = chunk;
    }
    expect(copies.length).toBeGreaterThan(30);
    expect(Buffer.concat(copies).equals(bytes.subarray(from))).toBe(true);
  });

  it('closes cleanly when the reader stops with a read still in flight', async () => {
    const file = writeLog('stop.log', numberedLines(256 * 1024));
    const buf = Buffer.alloc(16 * 1024);
    let seen = 0;
    for await (const chunk of openLogStream(file, 0, buf)) {
      seen += chunk.length;
      break;
    }
    expect(seen).toBe(8 * 1024);
    // The file can be replaced at once: nothing of the stream is left holding it open for writing.
    fs.rmSync(file);
    expect(fs.existsSync(file)).toBe(false);
  });
});

describe('scanLogFile over many read pieces', () => {
  it('finds the reports and line numbers a single pass over the whole file finds, reports straddling pieces included', async () => {
    const piece = 4 * 1024 * 1024;
    const report = (i: number) =>
      [
        'WARNING: DATA RACE',
        `Write at 0x00c000${i} by goroutine 7:`,
        `  main.writer${i}()`,
        '      /src/main.go:12 +0x3a',
        `Previous read at 0x00c000${i} by goroutine 6:`,
        `  main.reader${i}()`,
        '      /src/main.go:20 +0x2f',
        '==================',
        '',
      ].join('\n');
    const parts: string[] = [];
    let size = 0;
    let n = 0;
    // Reports placed just before each piece boundary, so their lines are split across two pieces.
    for (let boundary = piece; boundary <= 5 * piece; boundary += piece) {
      while (size < boundary - 150) {
        const line = `noise line ${n++} ${'y'.repeat(n % 61)}\n`;
        parts.push(line);
        size += line.length;
      }
      const r = report(boundary);
      parts.push(r);
      size += r.length;
    }
    const bytes = Buffer.from(parts.join(''));
    const file = writeLog('pieces.log', bytes);

    const whole: RawReport[] = [];
    const scanner = createRaceScanner({ start: { offset: 0, line: 1 }, onReport: (r) => whole.push(r) });
    scanner.push(bytes);
    const wholeEnd = scanner.finish(false);

    const scan = await scanLogFile(file, { offset: 0, line: 1 });
    expect(whole).toHaveLength(5);
    expect(scan.reports).toEqual(whole);
    expect(scan.safe).toEqual(wholeEnd.safe);
    expect(scan.bytesScanned).toBe(bytes.length);
  });
});
