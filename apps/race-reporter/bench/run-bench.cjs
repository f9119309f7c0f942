#!/usr/bin/env node
// Benchmark: race-reporter's scan against `grep -c 'WARNING: DATA RACE'` on the same generated log
// (default 1 GiB, ~0.1% race reports, bench/generate-log.cjs), in one run: the page cache warmed,
// then rounds alternating which of the two goes first; medians, the ratio grep / race-reporter (whole
// process: `node dist/main.js --dry-run --json <file>`), peak RSS, and every report found (the
// occurrences in the JSON against the generator's count and grep's). Then the same over a `.gz` of
// the file (`zcat | grep -c` as the anchor), and a first and second run against the GitLab double.
// Usage: node bench/run-bench.cjs [sizeMiB] [--rounds N] [--keep DIR] [--baseline MAIN_JS] [--no-gz] [--no-gitlab]
//   --keep DIR: generate the log into DIR once and reuse it (nothing removed afterwards).
//   --baseline MAIN_JS: another build's dist/main.js (e.g. main's), alternated in the same rounds.
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
const baseline = option('--baseline', null);
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

/** Alternating rounds of the anchor and race-reporter (and a --baseline build) over `file`. */
async function compare(label, file, bytes, anchor, expected) {
  const dry = (main) => () =>
    runReporter(
      ['--dry-run', '--json', file],
      { LOG_LEVEL: 'warn', RACE_REPORTER_STATE: path.join(path.dirname(file), 'dry-state.json') },
      main,
    );
  const sides = { anchor: () => runMeasured('sh', ['-c', anchor, 'sh', file], env), ours: dry() };
  if (baseline) sides.baseline = dry(path.resolve(baseline));
  const names = Object.keys(sides);
  const warm = await sides.anchor(); // page cache warm (and the count)
  const count = Number(warm.stdout.trim());
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  const found = {};
  for (let i = 0; i < rounds; i++) {
    // Each side goes first in turn (anchor, ours[, baseline]; then rotated by one).
    const order = names.map((_, k) => names[(k + i) % names.length]);
    const got = {};
    for (const side of order) {
      const r = await sides[side]();
      if (r.code !== 0) throw new Error(`${side} exited ${r.code}: ${r.stderr.slice(-2000)}`);
      got[side] = r;
      runs[side].push(r);
      if (side !== 'anchor') {
        const n = occurrences(r.stdout);
        if (found[side] !== undefined && n !== found[side])
          throw new Error(`${side} found ${n} reports in round ${i + 1}, ${found[side]} before`);
        found[side] = n;
      }
    }
    const line = order.map(
      (side) =>
        `${side} ${got[side].seconds.toFixed(2)} s (CPU ${got[side].cpuSeconds.toFixed(2)} s, ${got[side].peakRssMb.toFixed(1)} MiB)`,
    );
    console.log(`${label} round ${i + 1}: ${line.join(', ')}`);
  }
  const mib = bytes / 1048576;
  const med = (side, key) => median(runs[side].map((r) => r[key]));
  const a = med('anchor', 'seconds');
  const ac = med('anchor', 'cpuSeconds');
  console.log(
    `${label}: anchor \`${anchor.replace('"$1"', path.basename(file))}\` median ${a.toFixed(2)} s (${(mib / a).toFixed(0)} MiB/s), CPU (user + system) ${ac.toFixed(2)} s`,
  );
  for (const side of names.filter((n) => n !== 'anchor')) {
    const o = med(side, 'seconds');
    const oc = med(side, 'cpuSeconds');
    const rss = Math.max(...runs[side].map((r) => r.peakRssMb));
    const all = found[side] === expected && found[side] === count;
    console.log(
      [
        `${label} ${side}: median ${o.toFixed(2)} s (${(mib / o).toFixed(0)} MiB/s), CPU ${oc.toFixed(2)} s; ratio anchor / ${side} ${(a / o).toFixed(2)} (target >= 0.5), by CPU ${(ac / oc).toFixed(2)}`,
        `${label} ${side}: peak RSS ${rss.toFixed(1)} MiB (target <= 100 MiB); reports found ${found[side]}, generated ${expected}, "${MARK}" lines (anchor) ${count}: ${all ? 'all found' : 'MISSING REPORTS'}`,
      ].join('\n'),
    );
  }
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
    await startUp(dir);
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

/** The fixed cost in every ratio: the CLI on an empty log (start-up, module loading, exit). */
async function startUp(dir) {
  const empty = path.join(dir, 'empty.log');
  fs.writeFileSync(empty, '');
  const runs = [];
  for (let i = 0; i < rounds; i++)
    runs.push(
      await runReporter(['--dry-run', '--json', empty], {
        LOG_LEVEL: 'error',
        RACE_REPORTER_STATE: path.join(dir, 'empty-state.json'),
      }),
    );
  const med = (key) => median(runs.map((r) => r[key])).toFixed(2);
  console.log(
    `start-up: race-reporter --dry-run --json on an empty log, median ${med('seconds')} s, CPU ${med('cpuSeconds')} s`,
  );
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
