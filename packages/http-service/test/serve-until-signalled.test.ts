import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { waitFor } from '@devops/testkit';

function startFixture(env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [path.join(__dirname, 'fixtures/serve-until-signalled.js')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line: ${out}`)), 10_000);
    child.stdout.on('data', () => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    });
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, url, exit, output: () => out };
}

describe('serveUntilSignalled in a real process', () => {
  it('finishes the request in flight on SIGTERM, ignores a second signal, exits 0', async () => {
    const f = startFixture();
    const url = await f.url;
    const inFlight = fetch(`${url}/slow`).then((r) => r.json());
    await waitFor(
      () => f.output().includes('slow request in hand'),
      10_000,
      'the request to reach the service',
    );
    f.child.kill('SIGINT');
    f.child.kill('SIGTERM');
    expect(await inFlight).toEqual({ done: true });
    expect(await f.exit).toBe(0);
    expect(f.output()).not.toMatch(/write after end|Unhandled/);
    expect(f.output().match(/received: no new requests/g)).toHaveLength(1);
  });

  it('with a drain delay: /healthz answers 503 draining while requests are still served, then stops accepting', async () => {
    const f = startFixture({ DRAIN_DELAY_MS: '1500' });
    const url = await f.url;
    // A proxy's keep-alive connection, opened before the signal.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = (p: string) =>
      new Promise<{ status: number; body: string; connection: string | undefined }>((resolve, reject) => {
        http
          .get(`${url}${p}`, { agent }, (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }),
            );
          })
          .on('error', reject);
      });
    expect((await get('/healthz')).status).toBe(200);
    f.child.kill('SIGTERM');
    await waitFor(() => f.output().includes('SIGTERM received: draining'), 10_000, 'the drain to start');
    const health = await get('/healthz');
    expect(health).toEqual({ status: 503, body: '{"status":"draining"}', connection: 'close' });
    // A new connection during the delay is still served, in full, and told to close.
    const echoed = await fetch(`${url}/echo`, { method: 'POST', body: 'still here' });
    expect(echoed.status).toBe(200);
    expect(echoed.headers.get('connection')).toBe('close');
    expect(await echoed.text()).toBe('still here');
    // After the delay: no new connections; the process exits 0.
    expect(await f.exit).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    expect(f.output()).toContain('draining (/healthz answers 503) for 1.5 s');
    agent.destroy();
  });
});
