import net from 'node:net';
import { waitFor } from '@devops/testkit';
import {
  SECRET,
  gzipData,
  listTree,
  multipart,
  releaseParts,
  startServer,
  upload,
  wait,
  type Part,
  type TestServer,
} from './helpers';

interface Raw {
  sock: net.Socket;
  /** Resolves when the server closed (or reset) the connection. */
  closed: Promise<void>;
  received(): string;
}

async function openRaw(server: TestServer, head = ''): Promise<Raw> {
  const sock = net.connect(server.port, '127.0.0.1');
  let text = '';
  sock.on('data', (c: Buffer) => (text += c.toString('latin1')));
  sock.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()));
  await new Promise((r) => sock.once('connect', r));
  if (head) sock.write(head);
  return { sock, closed, received: () => text };
}

function requestHead(body: Buffer, contentType: string, extra = ''): string {
  return `POST /releases HTTP/1.1\r\nHost: x\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n${extra}\r\n`;
}

describe('abuse: idle and unauthenticated connections', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer({ idleTimeout: 1, maxUnverified: 2 });
  });
  afterEach(async () => {
    await server.close();
  });

  it('a body that stops making progress is closed after RELEASE_IDLE_TIMEOUT and leaves nothing', async () => {
    const data = gzipData(512 * 1024);
    const { body, contentType } = multipart(releaseParts(data));
    const raw = await openRaw(server, requestHead(body, contentType));
    raw.sock.write(body.subarray(0, body.length / 2));
    await waitFor(() => listTree(server.dir).some((f) => f.endsWith('.tgz')), 5000, 'the staged file');
    expect(listTree(server.dir).some((f) => f.startsWith('.tmp/'))).toBe(true);
    await raw.closed;
    await waitFor(() => listTree(server.dir).length === 0, 5000, 'an empty release folder');
    expect(listTree(server.dir)).toEqual([]);
    expect(server.logs()).toContain('no progress for 1 s');
    // the version is free again
    expect((await upload(server.url, releaseParts(data))).status).toBe(201);
  });

  it('a body that keeps trickling in is not cut: progress resets the idle clock', async () => {
    const data = gzipData(20_000);
    const { body, contentType } = multipart(releaseParts(data));
    const raw = await openRaw(server, requestHead(body, contentType));
    const steps = 6;
    const step = Math.ceil(body.length / steps);
    for (let at = 0; at < body.length; at += step) {
      raw.sock.write(body.subarray(at, at + step));
      await wait(400); // 6 × 0.4 s = 2.4 s in all, more than the 1 s idle timeout
    }
    await waitFor(() => raw.received().includes('\r\n\r\n{'), 5000, 'the answer');
    expect(raw.received()).toMatch(/^HTTP\/1.1 201/);
    raw.sock.destroy();
  });

  it('a request that trickles fields but no secret is closed after RELEASE_IDLE_TIMEOUT and leaves nothing', async () => {
    const data = gzipData(1000);
    const { body, contentType } = multipart(releaseParts(data, { secret: null }));
    const raw = await openRaw(server, requestHead(body, contentType));
    let at = 0;
    const drip = setInterval(() => {
      if (at < body.length - 100) raw.sock.write(body.subarray(at, (at += 1)));
    }, 100);
    try {
      await raw.closed;
    } finally {
      clearInterval(drip);
    }
    expect(raw.received()).toBe('');
    expect(server.logs()).toContain('no valid secret within 1 s');
    expect(listTree(server.dir)).toEqual([]);
  });

  it('a connection that sends nothing, or only part of its headers, is closed after the timeout', async () => {
    const silent = await openRaw(server);
    const partial = await openRaw(server, 'POST /releases HTTP/1.1\r\nHost: x\r\n');
    await Promise.all([silent.closed, partial.closed]);
    // Closed without an answer (or with Node's 408 when its headers timeout comes first).
    for (const raw of [silent, partial]) expect(raw.received()).toMatch(/^(HTTP\/1.1 408 .*)?$/s);
  });

  it('more than 64 KiB of fields before a valid secret: 401 before the file; the same fields after a Bearer secret are fine', async () => {
    const data = gzipData(1000);
    const fields = Array.from({ length: 17 }, (_, i): [string, string] => [`f${i}`, 'x'.repeat(4000)]);
    const late = releaseParts(data, { secret: null, fields });
    const withSecretLast: Part[] = [...late.slice(0, -1), { name: 'secret', value: SECRET }, late.at(-1)!];
    const refused = await upload(server.url, withSecretLast);
    expect(refused.status).toBe(401);
    expect(listTree(server.dir)).toEqual([]);
    const accepted = await upload(server.url, late, { Authorization: `Bearer ${SECRET}` });
    expect(accepted.status).toBe(201);
  });

  it('only one secret is tried: a wrong secret field then the right one is 401', async () => {
    const data = gzipData(1000);
    const parts: Part[] = [{ name: 'secret', value: 'wrong-secret-guess-0001' }, ...releaseParts(data)];
    const res = await upload(server.url, parts);
    expect(res.status).toBe(401);
    expect(listTree(server.dir)).toEqual([]);
  });

  it('at most RELEASE_MAX_UNVERIFIED unverified requests are read at once: the next gets 503 with Retry-After; Bearer uploads still go through', async () => {
    const data = gzipData(1000);
    const { body, contentType } = multipart(releaseParts(data));
    const secretAt = body.indexOf(SECRET);
    // Two clients hold their place: they sent the start of the body, not yet the secret.
    const holders = [
      await openRaw(server, requestHead(body, contentType)),
      await openRaw(server, requestHead(body, contentType)),
    ];
    for (const h of holders) h.sock.write(body.subarray(0, secretAt - 10));
    // Their heads were in before this later request is answered: each took its place on its head.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const third = await upload(server.url, releaseParts(data, { version: '3.0.0' }));
    expect(third.status).toBe(503);
    expect(third.headers['retry-after']).toMatch(/^\d+$/);
    expect(listTree(server.dir)).toEqual([]);

    const bearer = await upload(server.url, releaseParts(data, { version: '4.0.0', secret: null }), {
      Authorization: `Bearer ${SECRET}`,
    });
    expect(bearer.status).toBe(201);

    // One holder sends its secret (verified: its place frees), the other goes away.
    holders[0]!.sock.write(body.subarray(secretAt - 10));
    holders[1]!.sock.destroy();
    await waitFor(() => holders[0]!.received().includes('\r\n\r\n{'), 5000, 'the answer');
    expect(holders[0]!.received()).toMatch(/^HTTP\/1.1 201/);
    holders[0]!.sock.destroy();
    const again = await upload(server.url, releaseParts(data, { version: '3.0.0' }));
    expect(again.status).toBe(201);
  });
});
