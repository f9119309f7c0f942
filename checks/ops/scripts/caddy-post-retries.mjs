// What Caddy (from PATH) does with a POST it resends to another upstream: the measurement behind
// deploy/caddy/Caddyfile having no lb_retries and no request buffering. Two experiments, each run
// `--runs N` times (default 4) both ways; one JSON line per run.
//
// bodies: a dead and a live loopback upstream, round_robin, no health checks (so about half the
//   POSTs meet the dead one first and are resent), 3,000 POSTs 50 at a time, with and without
//   buffer_requests. The live upstream checks each body's id against its request's X-Id header:
//   `another` counts POSTs that arrived with another request's body, `garbled` those whose body was
//   not one request's at all.
// takeout: the Caddyfile's own (replicas) block in front of a port nothing listens on and a live
//   upstream, both health-checked on a live port (health_port: a replica that died between two
//   checks), 1,500 POSTs 20 at a time each after 10 ms, with and without lb_retries. `503` counts
//   "no upstreams available": the healthy upstream was taken out as well.
//
//   node checks/ops/scripts/caddy-post-retries.mjs [--runs N]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@devops/testkit';

const runsAt = process.argv.indexOf('--runs');
const RUNS = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 4;
const CADDYFILE = path.join(import.meta.dirname, '../../../deploy/caddy/Caddyfile');

/** A loopback upstream that answers every request and sorts POST bodies by whose they are. */
async function upstream() {
  const bodies = { own: 0, another: 0, garbled: 0 };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST') {
        let id;
        try {
          id = JSON.parse(Buffer.concat(chunks).toString()).id;
        } catch {
          bodies.garbled++;
        }
        if (id === req.headers['x-id']) bodies.own++;
        else if (id !== undefined) bodies.another++;
      }
      res.end('{}');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { port: server.address().port, bodies, close: () => server.close() };
}

async function withCaddy(site, fn) {
  const dir = mkdtempSync(path.join(tmpdir(), 'caddy-post-retries-'));
  const port = await freePort();
  writeFileSync(path.join(dir, 'Caddyfile'), `{\n\tadmin off\n\tauto_https off\n}\n${site(port)}\n`);
  const caddy = spawn('caddy', ['run', '--config', path.join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
    stdio: 'ignore',
    env: { PATH: process.env.PATH, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
  });
  try {
    const url = `http://127.0.0.1:${port}/`;
    for (
      let i = 0;
      !(await fetch(url).then(
        () => true,
        () => false,
      ));
      i++
    ) {
      if (i > 100) throw new Error('caddy did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 600)); // the first active health checks
    return await fn(url);
  } finally {
    caddy.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function post(url, total, concurrency, pauseMs) {
  const statuses = {};
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const id = String(next++);
      if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'x-id': id, 'content-type': 'application/json' },
        body: JSON.stringify({ id, pad: 'x'.repeat(5000) }),
      }).catch(() => undefined);
      statuses[res?.status ?? 0] = (statuses[res?.status ?? 0] ?? 0) + 1;
      await res?.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return statuses;
}

async function bodies(buffer) {
  const live = await upstream();
  const dead = await freePort();
  try {
    const statuses = await withCaddy(
      (port) =>
        `http://127.0.0.1:${port} {\n\treverse_proxy 127.0.0.1:${dead} 127.0.0.1:${live.port} {\n\t\tlb_policy round_robin\n\t\tlb_try_duration 10s\n\t\tlb_try_interval 50ms\n${buffer ? '\t\tbuffer_requests\n' : ''}\t}\n}`,
      (url) => post(url, 3000, 50, 0),
    );
    return { experiment: 'bodies', buffer_requests: buffer, statuses, bodies: live.bodies };
  } finally {
    live.close();
  }
}

async function takeout(retries) {
  let snippet = /^\(replicas\) \{[\s\S]*?^\}/m.exec(readFileSync(CADDYFILE, 'utf8'))[0];
  if (retries)
    snippet = snippet.replace(
      /^(\tlb_policy .*)$/m,
      '$1\n\tlb_retries 3\n\tlb_try_duration 10s\n\tlb_try_interval 250ms',
    );
  const live = await upstream();
  const health = await upstream();
  const dead = await freePort();
  try {
    const statuses = await withCaddy(
      (port) =>
        `${snippet}\nhttp://127.0.0.1:${port} {\n\treverse_proxy 127.0.0.1:${dead} 127.0.0.1:${live.port} {\n\t\timport replicas\n\t\thealth_port ${health.port}\n\t}\n}`,
      (url) => post(url, 1500, 20, 10),
    );
    return { experiment: 'takeout', lb_retries: retries, statuses, bodies: live.bodies };
  } finally {
    live.close();
    health.close();
  }
}

for (let run = 1; run <= RUNS; run++) {
  for (const buffer of [false, true]) console.log(JSON.stringify({ run, ...(await bodies(buffer)) }));
  for (const retries of [false, true]) console.log(JSON.stringify({ run, ...(await takeout(retries)) }));
}
