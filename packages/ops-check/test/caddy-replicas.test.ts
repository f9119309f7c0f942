/**
 * The Caddyfile's `(replicas)` block, run by a real Caddy in front of two loopback replicas: with
 * the second replica missing (the default, single-process compose set-up) or stopped mid-stream,
 * every request is still answered by the replica that is up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { read } from './support/workspace';

interface Replica {
  name: string;
  port: number;
  served: number;
  close(): Promise<void>;
}

async function startReplica(name: string): Promise<Replica> {
  const replica = { name, port: 0, served: 0, close: async () => {} };
  const server = http.createServer((req, res) => {
    if (req.url !== '/healthz') replica.served++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ status: 'ok', replica: name }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  replica.port = (server.address() as net.AddressInfo).port;
  replica.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return replica;
}

/** A loopback port nothing listens on (taken, then released). */
async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The real `(replicas)` snippet, in a site that proxies to the given loopback upstreams. */
function caddyfile(listen: number, upstreams: number[]): string {
  const snippet = /^\(replicas\) \{[\s\S]*?^\}/m.exec(read('deploy/caddy/Caddyfile'))?.[0];
  if (!snippet) throw new Error('no (replicas) snippet in deploy/caddy/Caddyfile');
  return [
    '{\n\tadmin off\n\tauto_https off\n}',
    snippet,
    `http://127.0.0.1:${listen} {\n\treverse_proxy ${upstreams.map((p) => `127.0.0.1:${p}`).join(' ')} {\n\t\timport replicas\n\t}\n}`,
  ].join('\n\n');
}

async function startCaddy(upstreams: number[]): Promise<{ url: string; child: ChildProcess; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-check-caddy-run-'));
  const port = await unusedPort();
  fs.writeFileSync(path.join(dir, 'Caddyfile'), caddyfile(port, upstreams));
  const child = spawn('caddy', ['run', '--config', path.join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
    env: { PATH: process.env.PATH ?? '', HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(`${url}/healthz`);
      return { url, child, dir };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  child.kill('SIGKILL');
  throw new Error('caddy did not start');
}

describe('[slow] Caddy with the (replicas) block in front of two replicas', () => {
  let proxy: { url: string; child: ChildProcess; dir: string } | undefined;
  afterEach(async () => {
    if (proxy) {
      const exited = new Promise((r) => proxy!.child.once('exit', r));
      proxy.child.kill('SIGTERM');
      await exited;
      fs.rmSync(proxy.dir, { recursive: true, force: true });
      proxy = undefined;
    }
  });

  const get = async (url: string) => {
    const res = await fetch(`${url}/webhooks/gitlab`);
    return { status: res.status, replica: ((await res.json()) as { replica: string }).replica };
  };

  it('answers every request from the first replica when the second does not exist', async () => {
    const one = await startReplica('one');
    proxy = await startCaddy([one.port, await unusedPort()]);
    try {
      const answers = [];
      for (let i = 0; i < 30; i++) answers.push(await get(proxy.url));
      expect(answers).toEqual(Array.from({ length: 30 }, () => ({ status: 200, replica: 'one' })));
      expect(one.served).toBe(30);
    } finally {
      await one.close();
    }
  });

  it('uses both replicas, and keeps answering when one stops mid-stream', async () => {
    const one = await startReplica('one');
    const two = await startReplica('two');
    proxy = await startCaddy([one.port, two.port]);
    try {
      // Concurrent pairs, so least_conn has to use both.
      for (let i = 0; i < 20; i++) await Promise.all([get(proxy.url), get(proxy.url)]);
      expect(one.served).toBeGreaterThan(0);
      expect(two.served).toBeGreaterThan(0);
      await one.close();
      const after = [];
      for (let i = 0; i < 30; i++) after.push(await get(proxy.url));
      expect(after).toEqual(Array.from({ length: 30 }, () => ({ status: 200, replica: 'two' })));
    } finally {
      await one.close().catch(() => undefined);
      await two.close();
    }
  });
});
