#!/usr/bin/env node
// Benchmark: race-reporter's scan against `grep -c 'WARNING: DATA RACE'` on the same generated log
// (default 1 GiB, ~0.1% race reports, bench/generate-log.cjs), in one run: the page cache warmed,
// then rounds alternating which of the two goes first; medians, the ratio grep / race-reporter (whole
// process: `node dist/main.js --dry-run --json <file>`), peak RSS, and every report found (the
// occurrences in the JSON against the generator's count and grep's). Then the same over a `.gz` of
// the file (`zcat | grep -c` as the anchor), and a first and second run against the GitLab double.
// Usage: node bench/run-bench.cjs [sizeMiB] [--rounds N] [--keep DIR] [--no-gz] [--no-gitlab]
//   --keep DIR: generate the log into DIR once and reuse it (nothing removed afterwards).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startGitLabDouble } = require('@devops/testkit');
const { generateLog, RACES } = require('./generate-log.cjs');
const { runMeasured, runReporter } = require('./measure-run.cjs');

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const sizeMiB = Number(argv.find((a, i) => /^\d+$/.test(a) && !/^--/.test(argv[i - 1] ?? '')) ?? 1024);
const rounds = Number(option('--rounds', 5));
const keep = option('--keep', null);
const MARK = 'WARNING: DATA RACE';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();
const env = { PATH: process.env.PATH, LC_ALL: 'C' };

/** The log, generated (or reused from --keep) with its expected report count beside it. */
function prepare(dir) {
  const file = path.join(dir, 'app.log');
  const meta = `${file}.${sizeMiB}.json`;
  if (fs.existsSync(meta) && fs.existsSync(file))
    return { file, ...JSON.parse(fs.readFileSync(meta, 'utf8')) };
  const t0 = Date.now();
  const gen = generateLog(file, sizeMiB * 1024 * 1024);
  console.log(`generated in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  fs.writeFileSync(meta, JSON.stringify({ reports: gen.reports, reportBytes: gen.reportBytes }));
  return { file, reports: gen.reports, reportBytes: gen.reportBytes };
}

/** Reports found by a `--json` run: the occurrences of every race. */
function occurrences(stdout) {
  return JSON.parse(stdout).reports.reduce((n, r) => n + r.occurrences, 0);
}

/** Alternating rounds of the anchor and race-reporter over `file`; returns the medians. */
async function compare(label, file, bytes, anchor, expected) {
  const sides = {
    anchor: () => runMeasured('sh', ['-c', anchor, 'sh', file], env),
    ours: () =>
      runReporter(['--dry-run', '--json', file], {
        LOG_LEVEL: 'warn',
        RACE_REPORTER_STATE: path.join(path.dirname(file), 'dry-state.json'),
      }),
  };
  const warm = await sides.anchor(); // page cache warm (and the count)
  const count = Number(warm.stdout.trim());
  const times = { anchor: [], ours: [] };
  const cpu = { anchor: [], ours: [] };
  let rss = 0;
  let anchorRss = 0;
  let found = -1;
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? ['anchor', 'ours'] : ['ours', 'anchor'];
    const got = {};
    for (const side of order) {
      const r = await sides[side]();
      if (r.code !== 0) throw new Error(`${side} exited ${r.code}: ${r.stderr.slice(-2000)}`);
      got[side] = r;
      times[side].push(r.seconds);
      cpu[side].push(r.cpuSeconds);
    }
    rss = Math.max(rss, got.ours.peakRssMb);
    anchorRss = Math.max(anchorRss, got.anchor.peakRssMb);
    const n = occurrences(got.ours.stdout);
    if (found !== -1 && n !== found)
      throw new Error(`round ${i + 1} found ${n} reports, an earlier one ${found}`);
    found = n;
    console.log(
      `${label} round ${i + 1} (${order.join(' then ')}): anchor ${got.anchor.seconds.toFixed(2)} s (CPU ${got.anchor.cpuSeconds.toFixed(2)} s), race-reporter ${got.ours.seconds.toFixed(2)} s (CPU ${got.ours.cpuSeconds.toFixed(2)} s), ${got.ours.peakRssMb.toFixed(1)} MiB`,
    );
  }
  const a = median(times.anchor);
  const o = median(times.ours);
  const ac = median(cpu.anchor);
  const oc = median(cpu.ours);
  const mib = bytes / 1048576;
  console.log(
    [
      `${label}: anchor \`${anchor.replace('"$1"', path.basename(file))}\` median ${a.toFixed(2)} s (${(mib / a).toFixed(0)} MiB/s), race-reporter median ${o.toFixed(2)} s (${(mib / o).toFixed(0)} MiB/s)`,
      `${label}: ratio anchor / race-reporter ${(a / o).toFixed(2)} (target >= 0.5); CPU time (user + system) medians ${ac.toFixed(2)} s / ${oc.toFixed(2)} s, ratio ${(ac / oc).toFixed(2)}`,
      `${label}: peak RSS ${rss.toFixed(1)} MiB (target <= 100 MiB; anchor ${anchorRss.toFixed(1)} MiB)`,
      `${label}: reports found ${found}, generated ${expected}, "${MARK}" lines (anchor) ${count}: ${found === expected && found === count ? 'all found' : 'MISSING REPORTS'}`,
    ].join('\n'),
  );
  return { ratio: a / o, rss, allFound: found === expected && found === count };
}

async function main_() {
  const dir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'race-reporter-bench-'));
  fs.mkdirSync(dir, { recursive: true });
  try {
    const log = prepare(dir);
    const size = fs.statSync(log.file).size;
    console.log(
      `file: ${(size / 1048576).toFixed(0)} MiB, ${log.reports} reports (${((log.reportBytes / size) * 100).toFixed(2)}% of bytes), ${RACES} distinct races; NODE_OPTIONS=${process.env.NODE_OPTIONS ?? ''}`,
    );
    console.log(`load before: ${uptime()}`);
    fs.rmSync(path.join(dir, 'dry-state.json'), { force: true });
    await compare('plain', log.file, size, `grep -c '${MARK}' "$1"`, log.reports);
    if (!flag('--no-gz')) {
      const gz = `${log.file}.gz`;
      if (!fs.existsSync(gz)) execFileSync('sh', ['-c', 'gzip -1 -c "$1" > "$1.gz"', 'sh', log.file]);
      console.log(`load: ${uptime()}`);
      await compare('gz', gz, size, `gzip -dc "$1" | grep -c '${MARK}'`, log.reports);
    }
    if (!flag('--no-gitlab')) await gitlabRuns(dir, log.file);
    console.log(`load after: ${uptime()} (${os.cpus().length} CPUs, shared)`);
  } finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A first run against the GitLab double (one creation per race), then new lines and a second (comments). */
async function gitlabRuns(dir, file) {
  const double = await startGitLabDouble();
  const work = fs.mkdtempSync(path.join(dir, 'gitlab-'));
  try {
    const copy = path.join(work, 'app.log');
    fs.copyFileSync(file, copy);
    const project = double.addProject({ path: 'bench/races' });
    const runEnv = {
      GITLAB_URL: double.url,
      GITLAB_TOKEN: double.token,
      RACE_REPORTER_PROJECT: 'bench/races',
      RACE_REPORTER_STATE: path.join(work, 'state.json'),
      RACE_REPORTER_METRICS_FILE: path.join(work, 'race-reporter.prom'),
      LOG_LEVEL: 'warn',
    };
    const first = await runReporter([copy], runEnv);
    if (first.code !== 0) throw new Error(`race-reporter exited ${first.code}: ${first.stderr.slice(-2000)}`);
    const reqs1 = [...double.requests];
    double.clearRequests();
    generateLog(copy, 8 * 1024 * 1024, 1e9); // new lines with new occurrences
    const second = await runReporter([copy], runEnv);
    if (second.code !== 0) throw new Error(`second run exited ${second.code}: ${second.stderr.slice(-2000)}`);
    const reqs2 = [...double.requests];
    const count = (reqs, re, method) =>
      reqs.filter((r) => (!method || r.method === method) && re.test(r.path)).length;
    console.log(
      [
        `GitLab first run (whole file, ${count(reqs1, /\/issues$/, 'POST')} issues created): ${first.seconds.toFixed(2)} s, peak RSS ${first.peakRssMb.toFixed(1)} MiB; ${reqs1.length} requests`,
        `GitLab second run (8 MiB new, ${count(reqs2, /\/notes$/, 'POST')} comments): ${second.seconds.toFixed(2)} s, peak RSS ${second.peakRssMb.toFixed(1)} MiB; ${reqs2.length} requests`,
        `issues in the double: ${double.state(project.id).issues.length}`,
      ].join('\n'),
    );
  } finally {
    await double.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main_().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
