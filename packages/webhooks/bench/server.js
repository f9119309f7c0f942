// The service side of `pnpm bench`: the built receiver (dist, fsync on) in its own
// process, so the load generator does not share its event loop. Handlers take
// HANDLER_MS (default 20 ms) like a GitLab round trip; logs go to /dev/null
// (JSON formatting still runs). CONCURRENCY sets the worker's (default: the
// receiver's, 4). Prints {"url"} when ready.
'use strict';
// UV_THREADPOOL_SIZE comes from the environment, as in the apps' images (ENV 16).
const fs = require('node:fs');
const { loadConfig } = require('@devops/config');
const { createGitLab, gitlabSettings } = require('@devops/gitlab');
const { listen, serverSettings } = require('@devops/http-service');
const { createLogger } = require('@devops/logger');
const { createWebhookApp, defineWebhookApp, webhookSettings } = require('../dist');

async function main() {
  const { SPOOL_DIR, SECRET } = process.env;
  const handlerMs = Number(process.env.HANDLER_MS ?? 20);
  const log = createLogger({
    service: 'bench',
    stream: fs.createWriteStream('/dev/null'),
    secrets: [SECRET],
  });
  // HANDLER=gitlab (bench/throughput.js): each merge_request event makes two calls to GITLAB_URL (the
  // GitLab double), like board-sync: reads the merge request, then edits its issue (same iid) with the
  // event's sequence number, which the double logs in arrival order (per-MR order is checked from it).
  const gitlabMode = process.env.HANDLER === 'gitlab';
  const gitlabUrl = gitlabMode ? process.env.GITLAB_URL : 'http://127.0.0.1:9';
  const gitlabToken = gitlabMode ? process.env.GITLAB_TOKEN : 'unused-token-value';
  const gitlab = createGitLab({ url: gitlabUrl, token: gitlabToken, log });
  const definition = defineWebhookApp({
    name: 'bench',
    summary: 'bench',
    settings: { ...serverSettings(0), ...gitlabSettings(), ...webhookSettings('bench') },
    setup: () => ({
      handlers: {
        merge_request: {
          handle: gitlabMode
            ? async ({ payload, gitlab: gl }) => {
                const project = payload.project.id;
                const { iid, bench_seq: seq } = payload.object_attributes;
                await gl.getMergeRequest(project, iid);
                await gl.editIssue(project, iid, { description: `bench seq ${seq}` });
              }
            : () => new Promise((r) => setTimeout(r, handlerMs)),
        },
      },
    }),
  });
  const config = loadConfig(definition.settings, {
    GITLAB_URL: gitlabUrl,
    GITLAB_TOKEN: gitlabToken,
    GITLAB_WEBHOOK_SECRET: SECRET,
    WEBHOOK_SPOOL_DIR: SPOOL_DIR,
    // bench/postgres-vs-spool.js: the same receiver on the PostgreSQL queue.
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  });
  const service = createWebhookApp(definition, {
    config,
    log,
    gitlab,
    ...(process.env.CONCURRENCY ? { concurrency: Number(process.env.CONCURRENCY) } : {}),
  });
  const { app } = service;
  const server = await listen(app, { port: 0, host: '127.0.0.1', log });
  // The server's own acknowledgement time (a delivery's 'request' event to its response's 'finish'),
  // POSTs only, reported with the CPU time on SIGUSR2 (bench/throughput.js prints it next to the
  // load generator's); BENCH_DIAG=1 adds the event-loop delay, and prints both at exit.
  const { monitorEventLoopDelay, createHistogram } = require('node:perf_hooks');
  const ack = createHistogram();
  const eld = process.env.BENCH_DIAG ? monitorEventLoopDelay({ resolution: 5 }) : undefined;
  eld?.enable();
  server.server.on('request', (req, res) => {
    if (req.method !== 'POST') return;
    const t = process.hrtime.bigint();
    res.on('finish', () => ack.record(Number(process.hrtime.bigint() - t) || 1));
  });
  const ms = (h, q) => Number((h.percentile(q) / 1e6).toFixed(1));
  const timings = () => ({
    serverAck: { count: ack.count, p50: ms(ack, 50), p99: ms(ack, 99), max: ms(ack, 100) },
    ...(eld ? { eventLoopDelay: { p50: ms(eld, 50), p99: ms(eld, 99), max: ms(eld, 100) } } : {}),
  });
  if (eld) {
    process.on('SIGTERM', () => {
      const t = timings();
      process.stderr.write(
        `DIAG eld p50 ${t.eventLoopDelay.p50} p99 ${t.eventLoopDelay.p99} max ${t.eventLoopDelay.max}; server ack p50 ${t.serverAck.p50} p99 ${t.serverAck.p99} max ${t.serverAck.max}\n`,
      );
    });
  }
  // WORKER=off measures the acknowledgement path alone (events stay spooled).
  if (process.env.WORKER !== 'off') await service.start();
  const cpu0 = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  process.on('SIGUSR2', () => {
    const cpu = process.cpuUsage(cpu0);
    process.stdout.write(
      `${JSON.stringify({ cpuMs: Math.round((cpu.user + cpu.system) / 1000), ...timings() })}\n`,
    );
  });
  process.on('SIGTERM', () => {
    void server
      .close()
      .then(() => service.stop())
      .then(() => process.exit(0));
  });
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
