#!/usr/bin/env node
// Benchmark: a generated log (default 1 GiB, ~0.1% race reports) in os.tmpdir(), removed afterwards.
// Measures race-reporter's throughput against `grep -c 'WARNING: DATA RACE'` on the same file in the
// same run, the child's peak RSS (VmHWM via /usr/bin/time -v, else sampled from /proc), and the
// GitLab requests of a first run (creates) and a second run after new occurrences (comments),
// against the GitLab double. Usage: node bench/run-bench.cjs [sizeMiB]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { startGitLabDouble } = require('@devops/testkit');
const { runReporter } = require('./measure-run.cjs');

const sizeMiB = Number(process.argv[2] ?? 1024);
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

function generate(file, bytes, offset = 0) {
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

function timeGrep(file) {
  let best = Infinity;
  let count = 0;
  for (let i = 0; i < 2; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync('grep', ['-c', 'WARNING: DATA RACE', file], { encoding: 'utf8' });
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
    count = Number(r.stdout.trim());
  }
  return { seconds: best, count };
}

async function main_() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'race-reporter-bench-'));
  const file = path.join(dir, 'app.log');
  const double = await startGitLabDouble();
  try {
    const t0 = Date.now();
    const gen = generate(file, sizeMiB * 1024 * 1024);
    const size = fs.statSync(file).size;
    console.log(
      `generated ${(size / 1048576).toFixed(0)} MiB in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${gen.reports} reports (${((gen.reportBytes / size) * 100).toFixed(2)}% of bytes), ${RACES} distinct races`,
    );
    const project = double.addProject({ path: 'bench/races' });
    const env = {
      GITLAB_URL: double.url,
      GITLAB_TOKEN: double.token,
      RACE_REPORTER_PROJECT: 'bench/races',
      RACE_REPORTER_STATE: path.join(dir, 'state.json'),
      LOG_LEVEL: 'warn',
    };

    const grep = timeGrep(file);
    // The same scan with no GitLab at all (no settings, --dry-run): what reading the file costs alone.
    const dry = await runReporter(['--dry-run', file], {
      RACE_REPORTER_STATE: env.RACE_REPORTER_STATE,
      LOG_LEVEL: 'warn',
    });
    if (dry.code !== 0)
      throw new Error(`race-reporter --dry-run exited ${dry.code}: ${dry.stderr.slice(-2000)}`);
    const first = await runReporter([file], env);
    if (first.code !== 0) throw new Error(`race-reporter exited ${first.code}: ${first.stderr.slice(-2000)}`);
    const reqs1 = [...double.requests];
    double.clearRequests();
    generate(file, 8 * 1024 * 1024, 1e9); // new lines with new occurrences
    const second = await runReporter([file], env);
    const reqs2 = [...double.requests];

    const count = (reqs, re, method) =>
      reqs.filter((r) => (!method || r.method === method) && re.test(r.path)).length;
    const ratio = grep.seconds / first.seconds;
    const lines = [
      `file: ${(size / 1048576).toFixed(0)} MiB, ${grep.count} "WARNING: DATA RACE" lines (grep), ${RACES} distinct races`,
      `grep -c: ${grep.seconds.toFixed(2)} s (${(size / 1048576 / grep.seconds).toFixed(0)} MiB/s, best of 2)`,
      `race-reporter (first run, whole file + GitLab): ${first.seconds.toFixed(2)} s (${(size / 1048576 / first.seconds).toFixed(0)} MiB/s)`,
      `throughput ratio race-reporter / grep: ${ratio.toFixed(2)} (target >= 0.25)`,
      `peak RSS: first run ${first.peakRssMb.toFixed(1)} MiB, second run ${second.peakRssMb.toFixed(1)} MiB (${first.via}; target <= 100 MB = 95.4 MiB)`,
      `--dry-run without GitLab settings (scan only): ${dry.seconds.toFixed(2)} s, peak RSS ${dry.peakRssMb.toFixed(1)} MiB`,
      `requests, first run: ${reqs1.length} total = ${count(reqs1, /\/issues$/, 'GET')} issue listing page(s) + ${count(reqs1, /\/labels$/, 'GET')} label listing + ${count(reqs1, /\/labels$/, 'POST')} label creation + ${count(reqs1, /\/issues$/, 'POST')} issue creations`,
      `requests, second run (new occurrences): ${reqs2.length} total = ${count(reqs2, /\/issues$/, 'GET')} issue listing page(s) + ${count(reqs2, /\/notes$/, 'POST')} comments`,
      `issues in the double: ${double.state(project.id).issues.length}`,
      `load average at the end: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (${os.cpus().length} CPUs, shared)`,
    ];
    console.log(lines.join('\n'));
  } finally {
    await double.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main_().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
