import { spawn } from 'node:child_process';
import path from 'node:path';

function startFixture() {
  const child = spawn(process.execPath, [path.join(__dirname, 'fixtures/serve-until-signalled.js')], {
    stdio: ['ignore', 'pipe', 'pipe'],
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
    await new Promise((r) => setTimeout(r, 100));
    f.child.kill('SIGINT');
    f.child.kill('SIGTERM');
    expect(await inFlight).toEqual({ done: true });
    expect(await f.exit).toBe(0);
    expect(f.output()).not.toMatch(/write after end|Unhandled/);
    expect(f.output().match(/received: no new requests/g)).toHaveLength(1);
  });
});
