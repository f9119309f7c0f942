// bench/throughput.js's default load generator: `rate` POSTs a second, evenly spaced (one every
// 1000 / rate ms, open loop: the next one goes at its time whatever the answers before it), over
// at most `connections` keep-alive sockets. autocannon's rate limit (LOAD=autocannon) lets each
// connection send its whole second's quota back to back as soon as its one-second interval
// restarts, all connections at once: at "200/s" over 40 connections the deliveries came as a burst
// at the start of every second. A delivery's latency runs from its request being handed to the
// socket pool (a wait for a free socket counts) to the end of its response.
'use strict';
const http = require('node:http');
const { createHistogram, performance } = require('node:perf_hooks');

/**
 * Sends `rate` x `duration` requests to `url`; `setupRequest(context)` gives each one's
 * {headers, body}, `onResponse(status, body, context)` sees each answer. Resolves, once every
 * request has its answer (or error, or timeout), with autocannon's result fields bench/throughput.js
 * reads: requests.total, non2xx, errors, timeouts, latency.p50/p99 (ms).
 */
async function runPacedLoad({
  url,
  rate,
  duration,
  connections,
  phase = 0,
  setupRequest,
  onResponse,
  timeoutMs = 10_000,
}) {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latency = createHistogram();
  const result = { requests: { total: 0 }, non2xx: 0, errors: 0, timeouts: 0, refusedBy: {} };
  const refusedAs = (why) => (result.refusedBy[why] = (result.refusedBy[why] ?? 0) + 1);
  const count = Math.round(rate * duration);
  const interval = 1000 / rate;
  const inFlight = new Set();

  const send = () => {
    const context = {};
    const { headers, body } = setupRequest(context);
    const started = process.hrtime.bigint();
    const done = new Promise((resolve) => {
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: { ...headers, 'content-length': Buffer.byteLength(body) },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            latency.record(Number(process.hrtime.bigint() - started) || 1);
            result.requests.total++;
            if (res.statusCode < 200 || res.statusCode > 299) {
              result.non2xx++;
              refusedAs(`HTTP ${res.statusCode}`);
            }
            onResponse?.(res.statusCode, Buffer.concat(chunks).toString(), context);
            resolve();
          });
        },
      );
      req.on('timeout', () => {
        result.timeouts++;
        refusedAs('timeout');
        req.destroy(new Error('timeout'));
      });
      req.on('error', (err) => {
        if (err.message !== 'timeout') {
          result.errors++;
          refusedAs(err.code ?? err.message);
        }
        resolve();
      });
      req.end(body);
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };

  const t0 = performance.now() + phase;
  let sent = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < count && t0 + sent * interval <= now) {
        send();
        sent++;
      }
      if (sent >= count) resolve();
      else setTimeout(tick, Math.max(0, t0 + sent * interval - performance.now()));
    };
    setTimeout(tick, Math.max(0, phase));
  });
  while (inFlight.size > 0) await Promise.all([...inFlight]);
  agent.destroy();
  const ms = (q) => Math.round(latency.percentile(q) / 1e6);
  return { ...result, latency: { p50: ms(50), p99: ms(99), max: ms(100) } };
}

module.exports = { runPacedLoad };
