// `pnpm bench`: acknowledgement latency of POST /webhooks/gitlab under a steady
// load, against the built receiver with real fsyncs. Defaults: 200 requests/s
// for 30 s over 10 connections, a real merge_request.open payload (GitLab docs),
// a distinct Idempotency-Key per request, 20 projects.
// Env: RATE, DURATION, CONNECTIONS, HANDLER_MS, CONCURRENCY (worker), WORKER=off
// (acknowledgement path alone), SPOOL_PARENT (default os.tmpdir()), SERVER_NODE_ARGS.
'use strict';
const { spawn } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const autocannon = require('autocannon');
const { metric } = require('./bench-report');

const rate = Number(process.env.RATE ?? 200);
const duration = Number(process.env.DURATION ?? 30);
const connections = Number(process.env.CONNECTIONS ?? 10);
const secret = 'bench-secret-0123456789';

function startServer(spoolDir) {
  const nodeArgs = process.env.SERVER_NODE_ARGS ? process.env.SERVER_NODE_ARGS.split(' ') : [];
  const proc = spawn(process.execPath, [...nodeArgs, path.join(__dirname, 'server.js')], {
    env: { ...process.env, SPOOL_DIR: spoolDir, SECRET: secret },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ proc, url: JSON.parse(line).url });
    });
    proc.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
}

function serverCpuMs(proc) {
  return new Promise((resolve) => {
    const onData = (d) => {
      const m = /"cpuMs":(\d+)/.exec(String(d));
      if (m) {
        proc.stdout.off('data', onData);
        resolve(Number(m[1]));
      }
    };
    proc.stdout.on('data', onData);
    proc.kill('SIGUSR2');
  });
}

/** Share of time some task waited for a CPU over the last 60 s (Linux PSI), when available. */
function cpuPressure() {
  try {
    const m = /some avg10=([\d.]+) avg60=([\d.]+)/.exec(fs.readFileSync('/proc/pressure/cpu', 'utf8'));
    return m ? `avg10 ${m[1]}%, avg60 ${m[2]}%` : 'n/a';
  } catch {
    return 'n/a';
  }
}

async function main() {
  if (!fs.existsSync(path.join(__dirname, '..', 'dist', 'index.js'))) {
    throw new Error(
      'dist/ is missing: run `pnpm turbo run build --filter=@devops/webhooks...` (or `pnpm bench` from the root)',
    );
  }
  const fixture = path.join(
    path.dirname(require.resolve('@devops/testkit/package.json')),
    'fixtures',
    'webhooks',
    'merge_request.open.json',
  );
  const base = JSON.parse(fs.readFileSync(fixture, 'utf8'));
  const spoolDir = fs.mkdtempSync(path.join(process.env.SPOOL_PARENT ?? os.tmpdir(), 'webhooks-bench-'));
  const { proc, url } = await startServer(spoolDir);
  const load = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  const pressure = cpuPressure();
  let n = 0;
  try {
    const result = await autocannon({
      url: `${url}/webhooks/gitlab`,
      method: 'POST',
      connections,
      overallRate: rate,
      duration,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'GitLab/17.4.0',
        'x-gitlab-event': 'Merge Request Hook',
        'x-gitlab-token': secret,
      },
      requests: [
        {
          setupRequest(req) {
            n++;
            const payload = { ...base, project: { ...base.project, id: (n % 20) + 1 } };
            return {
              ...req,
              headers: {
                ...req.headers,
                'idempotency-key': randomUUID(),
                'x-gitlab-event-uuid': randomUUID(),
              },
              body: JSON.stringify(payload),
            };
          },
        },
      ],
    });
    const lat = result.latency;
    const cpuMs = await serverCpuMs(proc);
    const accepted = await metric(url, 'gitlab_webhook_deliveries_total', ['result="accepted"']);
    const processed = await metric(url, 'gitlab_webhook_events_processed_total');
    const report = {
      command: 'pnpm --filter @devops/webhooks bench',
      rate,
      duration,
      connections,
      payloadBytes: Buffer.byteLength(JSON.stringify(base)),
      requests: result.requests.total,
      achievedRps: Math.round(result.requests.total / duration),
      latencyMs: { p50: lat.p50, p90: lat.p90, p99: lat.p99, max: lat.max, mean: lat.average },
      status2xx: result['2xx'],
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      acceptedByReceiver: accepted,
      processedDuringRun: processed,
      spoolDepthAtEnd: await metric(url, 'gitlab_webhook_spool_depth'),
      worker:
        process.env.WORKER === 'off'
          ? 'off'
          : `on, concurrency ${process.env.CONCURRENCY ?? 4}, handler ${process.env.HANDLER_MS ?? 20} ms`,
      serverCpuMsPerRequest: Number((cpuMs / result.requests.total).toFixed(2)),
      serverCpuShareOfOneCore: Number((cpuMs / (duration * 1000)).toFixed(2)),
      loadavgBefore: load,
      loadavgAfter: os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' '),
      cpuPressureBefore: pressure,
      cpuPressureAfter: cpuPressure(),
      cpus: os.cpus().length,
      spoolDir,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    const p99ok = lat.p99 <= 50;
    process.stdout.write(
      `p99 ${lat.p99} ms ${p99ok ? '<=' : '>'} 50 ms target; errors ${result.errors}, non-2xx ${result.non2xx}\n`,
    );
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    fs.rmSync(spoolDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
