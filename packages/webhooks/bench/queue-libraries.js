// pg-boss vs graphile-worker, side by side on one PostgreSQL, as the webhook queue would use them:
// `node bench/queue-libraries.js` (or `pnpm bench:libraries`). For each library, alternately
// ROUNDS times (default 2): events arrive at RATE/s (default 200) for DURATION s (default 20), each
// enqueued in its own transaction with a per-project ordering key (20 projects) while 4 workers
// handle them (HANDLER_MS, default 20 ms, like a GitLab round trip). Prints the enqueue latency
// (what the webhook's 202 waits for), events handled per second, and how often a project's events
// ran two at a time or out of the order their enqueues committed in (both should be 0). PostgreSQL is testkit's startPostgres (fsync off).
//   pg-boss 12.38.0: a key_strict_fifo queue, singletonKey = project, one worker per slot that
//     looks again at once after a job (as src/postgres/create-postgres-queue.ts does).
//   graphile-worker 0.18.0: addJob with queueName = project (its named queues run one job at a
//     time, in order), run() with concurrency 4; LISTEN/NOTIFY on both.
'use strict';
const { performance } = require('node:perf_hooks');
const { markdownTable, runRounds } = require('./bench-report');

const RATE = Number(process.env.RATE ?? 200);
const DURATION = Number(process.env.DURATION ?? 20);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const HANDLER_MS = Number(process.env.HANDLER_MS ?? 20);
const PROJECTS = 20;
const CONCURRENCY = 4;
const payloadPad = 'x'.repeat(4800); // a merge_request webhook body is ~4.9 KB

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

/** Drives `enqueue(n, project)` at RATE/s while the workers run; returns the figures. */
async function drive(lib, enqueue, track) {
  const latencies = [];
  const total = RATE * DURATION;
  const started = performance.now();
  const pending = [];
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const t = performance.now();
    track.sent.set(n, t);
    pending.push(
      enqueue(n, n % PROJECTS).then(() => {
        const done = performance.now();
        latencies.push(done - t);
        track.committedAt.set(n, done);
      }),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - started) / 1000;
  const handledDuringRun = track.handled.count;
  latencies.sort((a, b) => a - b);
  return {
    lib,
    enqueueP50: Math.round(pct(latencies, 0.5) * 10) / 10,
    enqueueP99: Math.round(pct(latencies, 0.99) * 10) / 10,
    enqueueMax: Math.round(latencies.at(-1)),
    eventsPerSecond: Math.round(handledDuringRun / elapsed),
    overlaps: track.overlaps(),
    outOfOrder: track.outOfOrder(),
  };
}

/**
 * Counts what would break a project's order: two of its events handled at once, or an event
 * handled before an earlier one whose enqueue had committed before this one's was even sent
 * (events whose enqueues overlapped in time have no order to keep).
 */
function tracker() {
  const handled = { count: 0 };
  const sent = new Map(); // n -> when its enqueue began
  const committedAt = new Map(); // n -> when its enqueue resolved
  const handledOrder = new Map(); // project -> n in the order handled
  const running = new Set();
  let overlaps = 0;
  const handle = async (n, project) => {
    if (running.has(project)) overlaps++;
    running.add(project);
    if (!handledOrder.has(project)) handledOrder.set(project, []);
    handledOrder.get(project).push(n);
    await sleep(HANDLER_MS);
    running.delete(project);
    handled.count++;
  };
  const outOfOrder = () => {
    let count = 0;
    for (const seq of handledOrder.values()) {
      seq.forEach((a, i) => {
        for (const b of seq.slice(i + 1)) if (b < a && committedAt.get(b) < sent.get(a)) count++;
      });
    }
    return count;
  };
  return { handled, handle, sent, committedAt, overlaps: () => overlaps, outOfOrder };
}

async function pgBossRound(url) {
  const { PgBoss } = await import('pg-boss');
  const boss = new PgBoss({
    connectionString: url,
    max: CONCURRENCY + 3,
    schedule: false,
    useListenNotify: true,
  });
  boss.on('error', (e) => console.error('pg-boss:', e.message));
  await boss.start();
  const queue = 'bench';
  await boss.createQueue(queue, { policy: 'key_strict_fifo', notify: true });
  const track = tracker();
  const { handle } = track;
  for (let slot = 0; slot < CONCURRENCY; slot++) {
    let id = '';
    id = await boss.work(
      queue,
      { localConcurrency: 1, batchSize: 1, pollingIntervalSeconds: 0.5, notifyPollingIntervalSeconds: 2 },
      async ([job]) => {
        await handle(job.data.n, job.data.project);
        boss.notifyWorker(id);
      },
    );
  }
  const result = await drive(
    'pg-boss 12.38.0',
    (n, project) => boss.send(queue, { n, project, pad: payloadPad }, { singletonKey: `p${project}` }),
    track,
  );
  await boss.stop({ graceful: false });
  return result;
}

async function graphileRound(url) {
  const { run, makeWorkerUtils } = await import('graphile-worker');
  const track = tracker();
  const { handle } = track;
  const logger = new (await import('graphile-worker')).Logger(() => () => {});
  const runner = await run({
    connectionString: url,
    concurrency: CONCURRENCY,
    noHandleSignals: true,
    pollInterval: 2000,
    logger,
    taskList: { event: async (payload) => handle(payload.n, payload.project) },
  });
  const utils = await makeWorkerUtils({ connectionString: url, logger });
  const result = await drive(
    'graphile-worker 0.18.0',
    (n, project) => utils.addJob('event', { n, project, pad: payloadPad }, { queueName: `p${project}` }),
    track,
  );
  await utils.release();
  await runner.stop();
  return result;
}

async function main() {
  const rows = await runRounds({
    rounds: ROUNDS,
    postgres: { settings: { max_connections: '300' } },
    variants: [
      ['pg-boss', pgBossRound],
      ['graphile-worker', graphileRound],
    ].map(([name, round]) => [
      name,
      async (pg, n) => round(await pg.createDatabase(`${name.replace('-', '_')}_${n}`)),
    ]),
  });
  process.stdout.write(
    markdownTable(
      [
        ['library', (r) => r.lib],
        ['round', (r) => r.round],
        ['enqueue p50 ms', (r) => r.enqueueP50],
        ['enqueue p99 ms', (r) => r.enqueueP99],
        ['max ms', (r) => r.enqueueMax],
        ['events/s', (r) => r.eventsPerSecond],
        ['one at a time per project (overlaps)', (r) => r.overlaps],
        ['out of commit order', (r) => r.outOfOrder],
      ],
      rows,
    ),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
