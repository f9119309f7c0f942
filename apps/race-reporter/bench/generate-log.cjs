// The 1 GiB bench log: request lines of ~110 bytes with a ~1.1 KB race report (of RACES distinct
// races, timestamp-prefixed) about once per MiB, ~0.1% of the bytes. Deterministic: the same size
// gives the same file, so a kept file (run-bench.cjs --keep) can be reused between runs.
const fs = require('node:fs');

const RACES = 12;

function report(i, n) {
  return [
    '2024-05-01T03:00:00.000Z ==================',
    '2024-05-01T03:00:00.000Z WARNING: DATA RACE',
    `2024-05-01T03:00:00.001Z Write at 0x00c000${(0x10000 + n).toString(16)} by goroutine ${n % 900}:`,
    `2024-05-01T03:00:00.001Z   example.com/svc/pkg${i}.(*Store).put()`,
    `2024-05-01T03:00:00.001Z       /srv/svc/pkg${i}/store.go:${40 + (n % 7)} +0x1a4`,
    '2024-05-01T03:00:00.001Z   example.com/svc/pkg.(*Server).handle()',
    '2024-05-01T03:00:00.001Z       /srv/svc/pkg/server.go:88 +0x5c',
    '2024-05-01T03:00:00.002Z ',
    `2024-05-01T03:00:00.002Z Previous read at 0x00c000${(0x10000 + n).toString(16)} by goroutine ${(n + 3) % 900}:`,
    `2024-05-01T03:00:00.002Z   example.com/svc/pkg${i}.(*Store).get()`,
    `2024-05-01T03:00:00.002Z       /srv/svc/pkg${i}/store.go:31 +0x88`,
    '2024-05-01T03:00:00.002Z ',
    `2024-05-01T03:00:00.003Z Goroutine ${n % 900} (running) created at:`,
    '2024-05-01T03:00:00.003Z   example.com/svc/pkg.(*Server).Serve()',
    '2024-05-01T03:00:00.003Z       /srv/svc/pkg/server.go:61 +0x2f',
    '2024-05-01T03:00:00.003Z ==================',
    '',
  ].join('\n');
}

/** Writes (or appends, from line number `offset` on) about `bytes` bytes of log to `file`. */
function generateLog(file, bytes, offset = 0) {
  const fd = fs.openSync(file, offset ? 'a' : 'w');
  const line = (n) =>
    `2024-05-01T03:00:00.000Z INFO request handled path=/api/v1/items/${n} status=200 duration_ms=${n % 97} host=web-3\n`;
  let written = 0;
  let n = offset;
  let reports = 0;
  let reportBytes = 0;
  while (written < bytes) {
    let block = '';
    while (block.length < 4 * 1024 * 1024) {
      for (let k = 0; k < 200; k++) block += line(n++);
      // ~0.1% of the bytes: one ~1.1 KB report per ~1.1 MB of log lines.
      if (n % 9000 < 200) {
        const r = report(reports % RACES, n);
        block += r;
        reports++;
        reportBytes += r.length;
      }
    }
    fs.writeSync(fd, block);
    written += block.length;
  }
  fs.closeSync(fd);
  return { written, reports, reportBytes };
}

module.exports = { generateLog, RACES };
