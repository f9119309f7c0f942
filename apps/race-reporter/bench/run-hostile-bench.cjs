#!/usr/bin/env node
// Benchmark: peak RSS of race-reporter on the hostile log corpus (bench/hostile-corpus.cjs) at full
// size: a report of 600 lines x 1,000,000 chars in a .gz, 64 MiB of random bytes, a gz bomb inflating
// to 1 GiB without a newline, a report with no end, 100,000 tiny reports of 150 races. Two runs of
// the built CLI against the GitLab double (the first files 100 races, the second the other 54).
// Target: peak RSS < 150 MB. Usage: node bench/run-hostile-bench.cjs
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startGitLabDouble } = require('@devops/testkit');
const { writeHostileCorpus } = require('./hostile-corpus.cjs');
const { runReporter } = require('./measure-run.cjs');

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'race-reporter-hostile-'));
  const double = await startGitLabDouble();
  try {
    const t0 = Date.now();
    const corpus = await writeHostileCorpus(path.join(dir, 'logs'), {
      hugeLines: 600,
      hugeLineBytes: 1_000_000,
      garbageMiB: 64,
      bombMiB: 1024,
      tinyReports: 100_000,
      tinyRaces: 150,
    });
    const sizes = Object.values(corpus).map(
      (f) => `${path.basename(f.path)} ${(fs.statSync(f.path).size / 1048576).toFixed(1)} MiB`,
    );
    console.log(`generated in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${sizes.join(', ')}`);
    const project = double.addProject({ path: 'bench/hostile' });
    const env = {
      GITLAB_URL: double.url,
      GITLAB_TOKEN: double.token,
      RACE_REPORTER_PROJECT: 'bench/hostile',
      RACE_REPORTER_STATE: path.join(dir, 'state.json'),
      RACE_REPORTER_METRICS_FILE: path.join(dir, 'race-reporter.prom'),
      LOG_LEVEL: 'warn',
    };
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const r = await runReporter([path.join(dir, 'logs', '*')], env);
      if (r.code !== 0) throw new Error(`run ${i + 1} exited ${r.code}: ${r.stderr.slice(-2000)}`);
      runs.push(r);
      console.log(
        `run ${i + 1}: ${r.seconds.toFixed(2)} s, peak RSS ${r.peakRssMb.toFixed(1)} MiB (${r.via}); ${r.stdout.split('\n')[0]}`,
      );
    }
    const state = JSON.parse(fs.readFileSync(env.RACE_REPORTER_STATE, 'utf8'));
    for (const c of state.cursors)
      console.log(`cursor ${path.basename(c.path)}: offset ${c.offset} of ${c.end}`);
    console.log(`issues in the double: ${double.state(project.id).issues.length}`);
    console.log(
      `peak RSS (max of both runs): ${Math.max(...runs.map((r) => r.peakRssMb)).toFixed(1)} MiB (target < 150 MB = 143.1 MiB); load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await double.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
