// `pnpm --filter @devops/webhooks bench:throughput` (after a build): does processing keep up with
// intake? The built receiver (server.js, HANDLER=gitlab) handles merge_request deliveries with two
// real GitLab calls each (read the merge request, edit its issue) against testkit's GitLab double,
// on the spool (one process) and on PostgreSQL (two replicas on one database, the load split
// between them; testkit's startPostgres, fsync off). Scenarios (SCENARIOS, comma-separated):
//   steady  200 deliveries/s for 60 s over 20 projects x 10 merge requests
//   flood   1,000/s for 10 s over the same, then the drain is timed
//   burst   50/s for 30 s in ONE project (10 merge requests), every GitLab call 20 ms slower
// The double runs in a process of its own (bench/gitlab-double-process.js), not in the load
// generator's. Each prints: offered rate, ack p50/p99 as the load generator saw it and as the server
// measured it (a delivery's request event to its response's finish; the worse of the two replicas),
// events/s processed during intake, backlog at the end of intake, the drain rate afterwards, and
// what was checked once everything drained: nothing refused, each accepted delivery's edit seen
// exactly once by the double, per merge request in the order sent, no dead letter; GitLab calls/s.
// Connections: rate / 5 in all (at least 10), split between the replicas. The deliveries are evenly
// spaced (bench/paced-load.js, LOAD=paced, the default); LOAD=autocannon sends them as autocannon's
// rate limit does, each connection's second's quota back to back at the start of each second.
// Env: SCENARIOS, BACKENDS (spool,postgres), ROUNDS (1), CONCURRENCY (default: WEBHOOK_CONCURRENCY's
// 8), RATE/DURATION override every scenario's, DRAIN_TIMEOUT (s, 300). BENCH_DIAG=1: each server
// also prints its event-loop delay; BENCH_PG_STATS=1: PostgreSQL loads pg_stat_statements and each
// PostgreSQL scenario prints its top statements (intake and drain) to stderr.
'use strict';
const { spawn } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const autocannon = require('autocannon');
const { openDatabase } = require('@devops/db');
const { createLogger } = require('@devops/logger');
const { startPostgres } = require('@devops/testkit');
const { markdownTable, metric } = require('./bench-report');
const { startGitLabDoubleProcess } = require('./gitlab-double-process');
const { runPacedLoad } = require('./paced-load');

/** paced (default): evenly spaced deliveries (bench/paced-load.js); autocannon: as before (bursts at each second's start). */
const LOAD = process.env.LOAD ?? 'paced';

const secret = 'bench-secret-0123456789';
const SCENARIOS = {
  steady: { rate: 200, duration: 60, projects: 20, mrs: 10, latencyMs: 0 },
  flood: { rate: 1000, duration: 10, projects: 20, mrs: 10, latencyMs: 0 },
  burst: { rate: 50, duration: 30, projects: 1, mrs: 10, latencyMs: 20 },
};
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

function startServer(env) {
  const proc = spawn(process.execPath, [path.join(__dirname, 'server.js')], {
    env: { ...process.env, ...env, SECRET: secret, HANDLER: 'gitlab' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{"url"'));
      if (line) {
        proc.stdout.off('data', onData);
        proc.stdout.resume();
        resolve({ proc, url: JSON.parse(line).url });
      }
    };
    proc.stdout.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
}

/** The server's CPU time and its own acknowledgement timings (bench/server.js, on SIGUSR2). */
function serverTimings(proc) {
  return new Promise((resolve) => {
    let out = '';
    const onData = (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{"cpuMs"'));
      if (line) {
        proc.stdout.off('data', onData);
        proc.stdout.resume();
        resolve(JSON.parse(line));
      }
    };
    proc.stdout.on('data', onData);
    proc.kill('SIGUSR2');
  });
}

/** BENCH_PG_STATS: the scenario's database's statements by total time (pg_stat_statements). */
async function statementStats(url, reset) {
  const log = createLogger({ service: 'bench', stream: fs.createWriteStream('/dev/null') });
  const db = await openDatabase(url, { log, app: 'bench-stats', max: 1 });
  try {
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    if (reset) return void (await db.query('SELECT pg_stat_statements_reset()'));
    const { rows } = await db.query(
      `SELECT calls, round(total_exec_time::numeric, 0) AS total_ms, round(mean_exec_time::numeric, 2) AS mean_ms,
              round(max_exec_time::numeric, 1) AS max_ms, regexp_replace(left(query, 400), '\\s+', ' ', 'g') AS query
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
       ORDER BY total_exec_time DESC LIMIT 10`,
    );
    for (const r of rows) {
      process.stderr.write(
        `PGSTAT calls ${r.calls} total ${r.total_ms} ms mean ${r.mean_ms} max ${r.max_ms}: ${r.query.slice(0, 160)}\n`,
      );
    }
  } finally {
    await db.close();
  }
}

const sum = async (urls, name, must) =>
  (await Promise.all(urls.map((u) => metric(u, name, must)))).reduce((a, b) => a + b, 0);

async function runScenario(name, backend, pg, round) {
  const sc = { ...SCENARIOS[name] };
  if (process.env.RATE) sc.rate = Number(process.env.RATE);
  if (process.env.DURATION) sc.duration = Number(process.env.DURATION);
  // The double runs in a process of its own (bench/gitlab-double-process.js): its ~2 answers per
  // delivery would otherwise share the load generator's event loop and inflate the latency measured.
  const double = startGitLabDoubleProcess();
  const gitlab = await double.seed({ projects: sc.projects, mrs: sc.mrs, latencyMs: sc.latencyMs });
  const { projects } = gitlab;
  const spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'webhooks-throughput-'));
  const databaseUrl = backend === 'postgres' ? await pg.createDatabase(`tp_${name}_${round}`) : undefined;
  const pgStats = databaseUrl && process.env.BENCH_PG_STATS;
  const env = {
    GITLAB_URL: gitlab.url,
    GITLAB_TOKEN: gitlab.token,
    SPOOL_DIR: spoolDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  const servers = [];
  for (let i = 0; i < (backend === 'postgres' ? 2 : 1); i++) servers.push(await startServer(env));
  const urls = servers.map((s) => s.url);
  if (pgStats) await statementStats(databaseUrl, true);
  const loadBefore = load();
  const seqs = new Map(); // "project:iid" -> last sequence number sent
  // A merge request's next delivery is sent only once the one before was answered (a key with a
  // delivery in flight is skipped): the order the receiver accepted them in is their numbers' order.
  const connectionsEach = Math.min(
    Math.floor((sc.projects * sc.mrs) / 2 / urls.length),
    Math.max(5, Math.round(Math.max(10, sc.rate / 5) / urls.length)),
  );
  const keyCount = sc.projects * sc.mrs;
  const inFlight = new Set();
  // A delivery the load generator gave up on (its 10 s timeout) never frees its merge request; if
  // every one is busy, one is used anyway and left out of the order check (counted).
  const unordered = new Set();
  let cursor = 0;
  const body = (context) => {
    let k = cursor;
    for (let tries = 0; tries < keyCount && inFlight.has(k); tries++) k = (k + 1) % keyCount;
    cursor = (k + 1) % keyCount;
    if (inFlight.has(k)) unordered.add(k);
    inFlight.add(k);
    context.k = k;
    const project = projects[k % sc.projects];
    const iid = Math.floor(k / sc.projects) + 1;
    const key = `${project}:${iid}`;
    const seq = (seqs.get(key) ?? 0) + 1;
    seqs.set(key, seq);
    return JSON.stringify({
      object_kind: 'merge_request',
      event_type: 'merge_request',
      project: { id: project, path_with_namespace: `bench/p${project}` },
      object_attributes: { iid, action: 'update', state: 'opened', bench_seq: seq },
    });
  };
  const gitlabCountAtStart = await double.count();
  // The load generator's own event-loop delay during intake: what of its latency is its own waiting.
  const generatorDelay = monitorEventLoopDelay({ resolution: 5 });
  generatorDelay.enable();
  const t0 = Date.now();
  const headers = {
    'content-type': 'application/json',
    'x-gitlab-event': 'Merge Request Hook',
    'x-gitlab-token': secret,
  };
  const delivery = (context) => ({
    headers: { ...headers, 'idempotency-key': randomUUID(), 'x-gitlab-event-uuid': randomUUID() },
    body: body(context),
  });
  const answered = (status, resBody, context) => inFlight.delete(context.k);
  const results = await Promise.all(
    urls.map((url, i) =>
      LOAD === 'autocannon'
        ? autocannon({
            url: `${url}/webhooks/gitlab`,
            method: 'POST',
            // Enough connections for the rate to be offered even while acks are slow (GitLab sends
            // deliveries side by side): rate / 5 in all, at least 10.
            connections: connectionsEach,
            // Each response's own time. autocannon 9's coordinated-omission correction takes 1 / (a
            // connection's rate in requests/s) as the expected interval in ms, i.e. 1 ms: a 100 ms
            // response was also recorded as 99, 98, ... 1 ms (a slow answer weighed as many samples as
            // its ms), which pulled p50 under the server's own and made p99 a duration-weighted figure.
            ignoreCoordinatedOmission: true,
            overallRate: sc.rate / urls.length,
            duration: sc.duration,
            headers,
            requests: [
              {
                setupRequest: (req, context) => ({ ...req, ...delivery(context) }),
                onResponse: answered,
              },
            ],
          })
        : runPacedLoad({
            url: `${url}/webhooks/gitlab`,
            rate: sc.rate / urls.length,
            duration: sc.duration,
            connections: connectionsEach,
            // The replicas' generators take turns: together, one delivery every 1000 / rate ms.
            phase: (i * 1000) / sc.rate,
            setupRequest: delivery,
            onResponse: answered,
          }),
    ),
  );
  const intakeMs = Date.now() - t0;
  generatorDelay.disable();
  const timings = await Promise.all(servers.map((s) => serverTimings(s.proc)));
  const processedAtEnd = await sum(urls, 'gitlab_webhook_events_processed_total');
  const backlogAtEnd = await metric(urls[0], 'gitlab_webhook_spool_depth');
  const gitlabCallsDuring = (await double.count()) - gitlabCountAtStart;
  // Drain what is left, timed.
  const tDrain = Date.now();
  const deadline = tDrain + Number(process.env.DRAIN_TIMEOUT ?? 300) * 1000;
  let depth = backlogAtEnd;
  while (depth > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    depth = await metric(urls[0], 'gitlab_webhook_spool_depth');
  }
  const drainMs = Date.now() - tDrain;
  if (pgStats) await statementStats(databaseUrl, false);
  const accepted = await sum(urls, 'gitlab_webhook_deliveries_total', ['result="accepted"']);
  const processed = await sum(urls, 'gitlab_webhook_events_processed_total');
  const dead = await metric(urls[0], 'gitlab_webhook_dead_letters');
  // What the double saw: each accepted delivery's issue edit once, per merge request in order sent.
  const seen = await double.report();
  const edits = new Map();
  for (const [project, iid, seq, status] of seen.edits) {
    if (status !== 200) continue;
    const key = `${project}:${iid}`;
    if (!edits.has(key)) edits.set(key, []);
    edits.get(key).push(seq);
  }
  let outOfOrder = 0;
  let editCount = 0;
  const unorderedKeys = new Set(
    [...unordered].map((k) => `${projects[k % sc.projects]}:${Math.floor(k / sc.projects) + 1}`),
  );
  let duplicateEdits = 0; // an event's edit seen more than once (its number repeated for its MR)
  for (const [key, list] of edits) {
    editCount += list.length;
    duplicateEdits += list.length - new Set(list).size;
    if (unorderedKeys.has(key)) continue;
    for (let i = 1; i < list.length; i++) if (list[i] <= list[i - 1]) outOfOrder++;
  }
  const refused = results.reduce((a, r) => a + r.non2xx + r.errors + r.timeouts, 0);
  // Why (paced generator only): "HTTP 503", "ECONNRESET", "timeout"...
  const refusedBy = {};
  for (const r of results)
    for (const [why, n] of Object.entries(r.refusedBy ?? {})) refusedBy[why] = (refusedBy[why] ?? 0) + n;
  const sent = results.reduce((a, r) => a + r.requests.total, 0);
  const gitlab429 = seen.status429;
  const row = {
    scenario: name,
    backend: backend === 'postgres' ? 'postgres x2' : 'spool x1',
    round,
    offered: `${sc.rate}/s x ${sc.duration} s`,
    generator: LOAD,
    sent,
    achievedRps: Math.round(sent / (intakeMs / 1000)),
    refused,
    refusedBy,
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    serverP50: Math.max(...timings.map((t) => t.serverAck.p50)),
    serverP99: Math.max(...timings.map((t) => t.serverAck.p99)),
    generatorEventLoopDelayP99: Number((generatorDelay.percentile(99) / 1e6).toFixed(1)),
    serverAcks: timings.reduce((a, t) => a + t.serverAck.count, 0),
    // CPU time of the service process(es) during intake (acknowledging and processing), per delivery.
    serverCpuMsPerDelivery: Number((timings.reduce((a, t) => a + t.cpuMs, 0) / Math.max(1, sent)).toFixed(2)),
    ...(timings[0].eventLoopDelay
      ? { serverEventLoopDelayP99: Math.max(...timings.map((t) => t.eventLoopDelay.p99)) }
      : {}),
    eventsPerSecond: Math.round(processedAtEnd / (intakeMs / 1000)),
    backlogAtEnd,
    drainPerSecond: backlogAtEnd > 0 && depth === 0 ? Math.round(backlogAtEnd / (drainMs / 1000)) : '-',
    lost: depth > 0 ? `${depth} left after ${Math.round(drainMs / 1000)} s` : accepted - processed - dead,
    edits: duplicateEdits
      ? `${editCount}/${accepted} (${duplicateEdits} repeated)`
      : `${editCount}/${accepted}`,
    outOfOrder: unorderedKeys.size ? `${outOfOrder} (${unorderedKeys.size} MRs unchecked)` : outOfOrder,
    dead,
    gitlabCallsPerSecond: Math.round(gitlabCallsDuring / (intakeMs / 1000)),
    gitlab429,
    load: `${loadBefore} -> ${load()}`,
  };
  for (const s of servers) {
    s.proc.kill('SIGTERM');
    await new Promise((r) => s.proc.once('exit', r));
  }
  await double.close();
  if (dead > 0) {
    // Why (the first dead letter's error), so a broken run says what broke.
    const deadDir = path.join(spoolDir, 'dead');
    const first = fs.existsSync(deadDir) ? fs.readdirSync(deadDir)[0] : undefined;
    if (first) row.firstDeadError = JSON.parse(fs.readFileSync(path.join(deadDir, first), 'utf8')).error;
  }
  fs.rmSync(spoolDir, { recursive: true, force: true });
  return row;
}

async function main() {
  if (!fs.existsSync(path.join(__dirname, '..', 'dist', 'index.js'))) {
    throw new Error('dist/ is missing: run `pnpm turbo run build --filter=@devops/webhooks...` first');
  }
  const scenarios = (process.env.SCENARIOS ?? 'steady,flood,burst').split(',');
  const backends = (process.env.BACKENDS ?? 'spool,postgres').split(',');
  const rounds = Number(process.env.ROUNDS ?? 1);
  const pg = backends.includes('postgres')
    ? await startPostgres(
        process.env.BENCH_PG_STATS ? { settings: { shared_preload_libraries: 'pg_stat_statements' } } : {},
      )
    : undefined;
  const rows = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const scenario of scenarios) {
        for (const backend of backends) {
          const row = await runScenario(scenario, backend, pg, round);
          rows.push(row);
          process.stdout.write(`${JSON.stringify(row)}\n`);
        }
      }
    }
  } finally {
    await pg?.stop();
  }
  process.stdout.write(
    markdownTable(
      [
        ['scenario', (r) => r.scenario],
        ['backend', (r) => r.backend],
        ['offered', (r) => r.offered],
        ['refused', (r) => r.refused],
        ['ack p50 / p99 ms', (r) => `${r.p50} / ${r.p99}`],
        ['server ack p50 / p99 ms', (r) => `${r.serverP50} / ${r.serverP99}`],
        ['events/s', (r) => r.eventsPerSecond],
        ['backlog at end', (r) => r.backlogAtEnd],
        ['drain /s', (r) => r.drainPerSecond],
        ['lost', (r) => r.lost],
        ['edits seen', (r) => r.edits],
        ['out of order', (r) => r.outOfOrder],
        ['dead', (r) => r.dead],
        ['GitLab calls/s', (r) => r.gitlabCallsPerSecond],
        ['load before -> after', (r) => r.load],
      ],
      rows,
    ),
  );
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
