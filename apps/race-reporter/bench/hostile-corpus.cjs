// A hostile log corpus, generated (never checked in): what a broken or malicious Go program can leave
// in the logs race-reporter reads. Used by test/hostile-logs.test.ts (small sizes) and by
// bench/run-hostile-bench.cjs (full sizes, peak RSS). Each file holds one ordinary report of its own
// race, so a test can tell the file was read through.
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const zlib = require('node:zlib');
const { once } = require('node:events');

/** A small, well-formed report of the race between fnA and fnB. */
function report(fnA, fnB, n = 1) {
  return [
    '==================',
    'WARNING: DATA RACE',
    `Write at 0x00c0000${(4096 + n).toString(16)} by goroutine ${7 + (n % 50)}:`,
    `  ${fnA}()`,
    `      /srv/app/a.go:${10 + (n % 9)} +0x41`,
    '',
    `Previous read at 0x00c0000${(4096 + n).toString(16)} by goroutine ${8 + (n % 50)}:`,
    `  ${fnB}()`,
    '      /srv/app/b.go:20 +0x22',
    '==================',
    '',
  ].join('\n');
}

async function writeAll(stream, chunks) {
  for (const chunk of chunks) if (!stream.write(chunk)) await once(stream, 'drain');
  stream.end();
  await once(stream, 'finish');
}

/** Yields `count` copies of `buf` without holding more than one. */
function* repeat(buf, count) {
  for (let i = 0; i < count; i++) yield buf;
}

async function gzipTo(file, chunks) {
  const out = fs.createWriteStream(file);
  const gz = zlib.createGzip({ level: 1 });
  gz.pipe(out);
  await writeAll(gz, chunks);
  await once(out, 'close');
}

/**
 * Writes the corpus into `dir` and returns what each file should yield.
 * scale: { hugeLines, hugeLineBytes, garbageMiB, bombMiB, tinyReports, tinyRaces }.
 */
async function writeHostileCorpus(dir, scale) {
  fs.mkdirSync(dir, { recursive: true });
  const files = {};

  // 1. A report of huge lines in a rotated .gz (today: 600 x 1,000,000 chars took 665 MB and crashed).
  const huge = path.join(dir, 'huge-lines.log.1.gz');
  const long = Buffer.alloc(scale.hugeLineBytes, 'x');
  const hugeHead = [
    '==================',
    'WARNING: DATA RACE',
    'Write at 0x00c000010000 by goroutine 7:',
    '  main.hugeWriter()',
    '      /srv/app/huge.go:10 +0x41',
    '',
    'Previous read at 0x00c000010000 by goroutine 8:',
    '  main.hugeReader()',
    '      /srv/app/huge.go:20 +0x22',
    '',
    'Goroutine 7 (running) created at:',
    '',
  ].join('\n');
  await gzipTo(huge, [
    Buffer.from(hugeHead),
    ...(function* () {
      for (let i = 0; i < scale.hugeLines; i++) {
        yield Buffer.from(`  main.deep${i}(`);
        yield long;
        yield Buffer.from(')\n');
      }
    })(),
    Buffer.from('==================\nafter the huge report\n'),
  ]);
  files.huge = { path: huge, functions: ['main.hugeReader', 'main.hugeWriter'] };

  // 2. Binary garbage: random bytes (invalid UTF-8, NULs, CRs), with WARNING lines strewn in it.
  const garbage = path.join(dir, 'garbage.log');
  const fd = fs.openSync(garbage, 'w');
  const mib = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < scale.garbageMiB; i++) {
    crypto.randomFillSync(mib);
    const strewn = Buffer.from('\n[svc] WARNING: DATA RACE \u0000\u00ff\r\n');
    strewn.copy(mib, 4096 + (i % 7) * 1000);
    fs.writeSync(fd, mib);
  }
  fs.writeSync(fd, `\n${report('main.garbageWriter', 'main.garbageReader')}clean tail\n`);
  fs.closeSync(fd);
  files.garbage = { path: garbage, functions: ['main.garbageReader', 'main.garbageWriter'] };

  // 3. A gz bomb: a few hundred KB that inflate to bombMiB of one line without a newline, then a report.
  const bomb = path.join(dir, 'bomb.log.2.gz');
  await gzipTo(bomb, [
    ...repeat(Buffer.alloc(1024 * 1024, 'A'), scale.bombMiB),
    Buffer.from(`\n${report('main.afterBomb', 'main.bombReader')}`),
  ]);
  files.bomb = { path: bomb, functions: ['main.afterBomb', 'main.bombReader'] };

  // 4. A report with no end: its WARNING line is where the cursor must wait.
  const noEnd = path.join(dir, 'no-end.log');
  const before = report('main.beforeEnd', 'main.endReader');
  fs.writeFileSync(
    noEnd,
    `${before}WARNING: DATA RACE\nWrite at 0x1 by goroutine 3:\n  main.neverClosed()\n      /srv/app/n.go:1 +0x1\n`,
  );
  files.noEnd = {
    path: noEnd,
    functions: ['main.beforeEnd', 'main.endReader'],
    unclosedAt: Buffer.byteLength(before),
  };

  // 5. 100,000 tiny reports of `tinyRaces` distinct races (more than one run files).
  const tiny = path.join(dir, 'tiny.log');
  const out = fs.createWriteStream(tiny);
  await writeAll(
    out,
    (function* () {
      let block = '';
      for (let i = 0; i < scale.tinyReports; i++) {
        block += report(`main.tiny${i % scale.tinyRaces}`, 'main.tinyReader', i);
        if (block.length > 1 << 20) {
          yield block;
          block = '';
        }
      }
      yield block;
    })(),
  );
  files.tiny = { path: tiny, races: scale.tinyRaces, reports: scale.tinyReports };
  return files;
}

module.exports = { writeHostileCorpus, report };
