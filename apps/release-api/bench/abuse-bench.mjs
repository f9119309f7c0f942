// pnpm bench:abuse — 300 idle/slow connections and 50 unauthenticated field
// drippers held open against dist/main.js while a genuine 200 MiB upload
// (Authorization: Bearer, curl) must complete with 201; the server's RSS
// growth while they are open (target < 30 MB for the 350), and whether the
// idle ones are closed after RELEASE_IDLE_TIMEOUT.
// Usage: node bench/abuse-bench.mjs [--idle SECONDS (default 30)] [--mib N (default 200)]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, makeTgz, waitForPort } from './bench-kit.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const appDir = path.resolve(here, '..');
const args = process.argv.slice(2);
const flag = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const idle = flag('--idle', 30);
const uploadMiB = flag('--mib', 200);
const SECRET = 'bench-secret-0123456789';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'release-abuse-'));
const sockets = [];
let server;
process.on('exit', () => {
  for (const s of sockets) s.destroy();
  if (server && server.exitCode === null) server.kill('SIGKILL');
  fs.rmSync(work, { recursive: true, force: true });
});
process.on('SIGINT', () => process.exit(130));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const mib = (b) => (b / 1024 ** 2).toFixed(1);
const rss = (pid) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;

/** A connection whose fate is recorded: closed by the server (and when), and any answer. */
function connect(port, kind) {
  const sock = net.connect(port, '127.0.0.1');
  const c = { kind, sock, closedAt: undefined, answer: '' };
  sock.on('data', (d) => (c.answer += d.toString('latin1')));
  sock.on('error', () => undefined);
  sock.on('close', () => (c.closedAt = Date.now()));
  sockets.push(sock);
  return new Promise((resolve) => sock.once('connect', () => resolve(c)));
}

/** Writes one byte of `text` every `everyMs` until it is all sent or the socket closes. */
function drip(c, text, everyMs) {
  let at = 0;
  const t = setInterval(() => {
    if (c.closedAt || at >= text.length) return clearInterval(t);
    c.sock.write(text[at++]);
  }, everyMs);
}

function upload(port, file, md5) {
  const started = Date.now();
  const r = spawnSync(
    'curl',
    ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-H', `Authorization: Bearer ${SECRET}`]
      .concat(['-F', 'product=bench', '-F', 'version=1.0.0', '-F', `md5=${md5}`])
      .concat(['-F', `file=@${file};type=application/gzip`, `http://127.0.0.1:${port}/releases`]),
    { encoding: 'utf8' },
  );
  return { code: r.stdout.trim(), seconds: (Date.now() - started) / 1000, stderr: r.stderr };
}

async function main() {
  console.log(
    `abuse bench: ${os.cpus().length} CPUs, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const file = path.join(work, 'genuine.tgz');
  const md5 = makeTgz(file, uploadMiB * 1024 ** 2);
  const port = await freePort();
  server = spawn(process.execPath, [path.join(appDir, 'dist/main.js')], {
    env: {
      PATH: process.env.PATH,
      RELEASE_SHARED_SECRET: SECRET,
      RELEASE_DIR: path.join(work, 'releases'),
      RELEASE_IDLE_TIMEOUT: String(idle),
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      ...(process.env.NODE_OPTIONS ? { NODE_OPTIONS: process.env.NODE_OPTIONS } : {}),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForPort(port);
  // Warm the code paths the attackers use (a refused request), then settle.
  const warm = await connect(port, 'warm');
  warm.sock.end(
    'POST /releases HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 0\r\n\r\n',
  );
  await sleep(2000);
  const before = rss(server.pid);

  const started = Date.now();
  const conns = [];
  for (let i = 0; i < 150; i++) conns.push(await connect(port, 'silent'));
  for (let i = 0; i < 150; i++) {
    const c = await connect(port, 'slow-headers');
    drip(c, 'POST /releases HTTP/1.1\r\nHost: x\r\nX-Padding: ' + 'a'.repeat(1000), 1000);
    conns.push(c);
  }
  const boundary = 'drip';
  const body = `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\n` + 'x'.repeat(4000);
  for (let i = 0; i < 50; i++) {
    const c = await connect(port, 'field-dripper');
    c.sock.write(
      `POST /releases HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 100000000\r\n\r\n`,
    );
    drip(c, body, 500);
    conns.push(c);
  }
  await sleep(3000);
  const open = rss(server.pid);
  const openCount = conns.filter((c) => !c.closedAt).length;
  const refused503 = conns.filter((c) => c.answer.startsWith('HTTP/1.1 503')).length;
  console.log(
    `RSS before ${mib(before)} MiB, with the 350 connections open ${mib(open)} MiB: growth ${mib(open - before)} MiB ` +
      `(${((open - before) / 350 / 1024).toFixed(1)} KiB each; target < 30 MB) ${open - before < 30e6 ? 'MET' : 'MISSED'}; ` +
      `${openCount} still open, ${refused503} field drippers answered 503 (RELEASE_MAX_UNVERIFIED)`,
  );

  const genuine = upload(port, file, md5);
  const peak =
    Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]) * 1024;
  console.log(
    `genuine ${uploadMiB} MiB upload while they were open: ${genuine.code} in ${genuine.seconds.toFixed(1)} s ` +
      `(${(uploadMiB / genuine.seconds).toFixed(0)} MiB/s); server peak RSS ${mib(peak)} MiB ${genuine.code === '201' ? 'MET' : `MISSED ${genuine.stderr}`}`,
  );

  const waitUntil = started + (idle + idle / 4 + 5) * 1000;
  while (Date.now() < waitUntil && conns.some((c) => !c.closedAt)) await sleep(250);
  for (const kind of ['silent', 'slow-headers', 'field-dripper']) {
    const of = conns.filter((c) => c.kind === kind);
    const closed = of.filter((c) => c.closedAt);
    const after = closed.map((c) => (c.closedAt - started) / 1000).sort((a, b) => a - b);
    console.log(
      `${kind.padEnd(14)} ${closed.length}/${of.length} closed by the server` +
        (after.length
          ? `, after ${after[0].toFixed(1)}–${after.at(-1).toFixed(1)} s (idle timeout ${idle} s)`
          : ''),
    );
  }
  console.log(
    `RSS after they closed ${mib(rss(server.pid))} MiB; load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
