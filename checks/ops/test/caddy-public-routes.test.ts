/**
 * The real Caddyfile, run by a real Caddy with every upstream pointed at one loopback server that
 * records what reaches it: each host proxies its service's public paths (SPEC, Running it) and
 * answers everything else itself with 404, /metrics and /healthz included, so nothing else ever
 * reaches a service from outside.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, waitFor } from '@devops/testkit';
import { PUBLIC_ROUTES, privateSamplesOf, publicSamplesOf, read, SERVICES } from './support/workspace';

const HOSTS: Record<string, string> = {
  'release-api': 'releases.test',
  'freshdesk-bridge': 'bridge.test',
  'version-check': 'version-check.test',
  'board-sync': 'board-sync.test',
};
const hostVarOf = (app: string) => `${app.toUpperCase().replace(/-/g, '_')}_HOST`;

let backend: http.Server;
let backendPort: number;
/** Requests that reached a service: "<host header without port> <path>"; the proxy's health checks left out. */
const reached: string[] = [];
let caddy: ChildProcess;
let caddyPort: number;
let dir: string;

function get(host: string, requestPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: caddyPort,
        path: requestPath,
        method: 'GET',
        headers: { host: `${host}:${caddyPort}` },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  backend = http.createServer((req, res) => {
    if (req.url !== '/healthz') reached.push(`${String(req.headers.host).replace(/:\d+$/, '')} ${req.url}`);
    res.end('from the service');
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  backendPort = (backend.address() as net.AddressInfo).port;
  caddyPort = await freePort();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-check-caddy-public-'));
  // The Caddyfile as shipped, its upstreams (<app>:<port> and <app>-2:<port>) on the loopback server.
  let caddyfile = read('deploy/caddy/Caddyfile');
  for (const [app, port] of Object.entries(SERVICES)) {
    const before = caddyfile;
    caddyfile = caddyfile.replace(`${app}:${port} ${app}-2:${port}`, `127.0.0.1:${backendPort}`);
    expect(caddyfile).not.toBe(before);
  }
  fs.writeFileSync(path.join(dir, 'Caddyfile'), `{\n\tadmin off\n\tauto_https off\n}\n\n${caddyfile}`);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    XDG_DATA_HOME: dir,
    XDG_CONFIG_HOME: dir,
  };
  for (const app of Object.keys(SERVICES)) env[hostVarOf(app)] = `http://${HOSTS[app]}:${caddyPort}`;
  caddy = spawn('caddy', ['run', '--config', path.join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
    env,
    stdio: 'ignore',
  });
  // Ready when it answers, and the health check has seen the upstream (a public path is served).
  let status = 0;
  const serves = async () =>
    (status = await get(HOSTS['version-check']!, '/webhooks/gitlab').catch(() => 0)) === 200;
  await waitFor(serves, { timeoutMs: 15_000, intervalMs: 50, what: 'caddy to serve a public path' }).catch(
    (err: Error) => {
      throw new Error(`caddy did not start (last status ${status}): ${err.message}`);
    },
  );
  reached.length = 0;
}, 30_000);

afterAll(async () => {
  caddy?.kill('SIGKILL');
  const closed = new Promise<void>((resolve) => (backend ? backend.close(() => resolve()) : resolve()));
  backend?.closeAllConnections();
  await closed;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe.each(Object.keys(SERVICES))('%s through the proxy', (app) => {
  const host = HOSTS[app]!;

  it.each(publicSamplesOf(app))('proxies %s', async (requestPath) => {
    reached.length = 0;
    expect(await get(host, requestPath)).toBe(200);
    expect(reached).toEqual([`${host} ${requestPath}`]);
  });

  it.each([...privateSamplesOf(app), '/releases/../metrics', '/escalations/%2e%2e/metrics', '/METRICS'])(
    'answers %s itself with 404, nothing reaches the service',
    async (requestPath) => {
      reached.length = 0;
      const status = await get(host, requestPath);
      // A path cleaned to a public one may be proxied, as the cleaned path; anything else is a 404.
      if (reached.length) {
        expect(status).toBe(200);
        expect(reached).toHaveLength(1);
        const got = reached[0]!.slice(host.length + 1);
        expect(
          PUBLIC_ROUTES[app]!.some((r) => (r.endsWith('/*') ? got.startsWith(r.slice(0, -1)) : got === r)),
        ).toBe(true);
        expect(decodeURIComponent(got)).not.toMatch(/(^|\/)\.\.(\/|$)|metrics|healthz/i);
      } else expect(status).toBe(404);
    },
  );
});
