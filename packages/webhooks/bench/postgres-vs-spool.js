// Spool vs PostgreSQL, side by side in one run: `node bench/postgres-vs-spool.js`
// (after a build). Starts a PostgreSQL server (testkit's startPostgres: a temp
// dir, fsync OFF, so the database side is a lower bound on a real server's
// cost), then runs bench/ack-latency.js (200 deliveries/s, 30 s, handler 20 ms)
// against the spool and against DATABASE_URL, alternately, ROUNDS times (default
// 2). Prints each run's acknowledgement latency and events processed per second,
// and a Markdown table for bench/RESULTS.md.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const { markdownTable, runRounds } = require('./bench-report');

const rounds = Number(process.env.ROUNDS ?? 2);

function runAckLatency(env) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [path.join(__dirname, 'ack-latency.js')], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.once('exit', (code) => {
      const start = out.indexOf('{');
      const end = out.lastIndexOf('}');
      if (code !== 0 || start < 0) return reject(new Error(`ack-latency exited ${code}: ${out}`));
      resolve(JSON.parse(out.slice(start, end + 1)));
    });
  });
}

async function main() {
  const variant = (backend) => async (pg, round) => {
    const env = backend === 'postgres' ? { DATABASE_URL: await pg.createDatabase(`bench_${round}`) } : {};
    const r = await runAckLatency(env);
    return {
      backend,
      p50: r.latencyMs.p50,
      p99: r.latencyMs.p99,
      max: r.latencyMs.max,
      achievedRps: r.achievedRps,
      non2xx: r.non2xx + r.errors + r.timeouts,
      eventsPerSecond: Math.round(r.processedDuringRun / r.duration),
      backlogAtEnd: r.spoolDepthAtEnd,
      serverCpuMsPerRequest: r.serverCpuMsPerRequest,
      loadavg: r.loadavgBefore,
    };
  };
  const rows = await runRounds({
    rounds,
    variants: [
      ['spool', variant('spool')],
      ['postgres', variant('postgres')],
    ],
  });
  process.stdout.write(
    markdownTable(
      [
        ['backend', (r) => r.backend],
        ['round', (r) => r.round],
        ['ack p50 ms', (r) => r.p50],
        ['ack p99 ms', (r) => r.p99],
        ['max ms', (r) => r.max],
        ['req/s', (r) => r.achievedRps],
        ['non-2xx', (r) => r.non2xx],
        ['events/s', (r) => r.eventsPerSecond],
        ['backlog at end', (r) => r.backlogAtEnd],
        ['server CPU ms/req', (r) => r.serverCpuMsPerRequest],
        ['load avg before', (r) => r.loadavg],
      ],
      rows,
    ),
  );
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
