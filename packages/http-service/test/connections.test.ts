import express from 'express';
import { PassThrough } from 'node:stream';
import { createLogger } from '@devops/logger';
import { openWatchedConnection, waitFor } from '@devops/testkit';
import { closeRefusedRequest, listen, type RunningServer } from '../src';

const IDLE_MS = 1000;

/** The two kinds of request a service has: one whose answer takes long, one it refuses unread. */
function testApp(serverSide: { refusedBytesRead: number[] }, slowAnswer: Promise<void>) {
  const app = express();
  app.post('/echo', express.raw({ type: () => true, limit: '1mb' }), (req, res) => {
    res.json({ bytes: (req.body as Buffer).length });
  });
  app.post('/slow', express.raw({ type: () => true }), (_req, res) => {
    void slowAnswer.then(() => res.json({ done: true }));
  });
  app.post('/refused', (req, res) => {
    req.socket.once('close', () => serverSide.refusedBytesRead.push(req.socket.bytesRead));
    closeRefusedRequest(res, 401, { error: 'no' }, { 'WWW-Authenticate': 'Bearer' });
  });
  return app;
}

const head = (path: string, length: number) =>
  `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: ${length}\r\n\r\n`;

describe('connections: silent and stalled ones close after the idle timeout; refused ones close unread', () => {
  let server: RunningServer;
  const serverSide = { refusedBytesRead: [] as number[] };
  let answerSlow!: () => void;
  beforeAll(async () => {
    const log = createLogger({ service: 't', stream: new PassThrough() });
    const slowAnswer = new Promise<void>((resolve) => (answerSlow = resolve));
    server = await listen(testApp(serverSide, slowAnswer), {
      port: 0,
      host: '127.0.0.1',
      log,
      idleTimeoutMs: IDLE_MS,
    });
  });
  afterAll(async () => {
    await server.close();
  });
  const port = () => Number(new URL(server.url).port);

  it('silent, mid-headers and mid-body stalls are closed after the idle timeout, not before', async () => {
    const stalled = await Promise.all([
      openWatchedConnection(port()),
      openWatchedConnection(port(), 'POST /echo HTTP/1.1\r\nHost: x\r\n'),
      openWatchedConnection(port(), `${head('/echo', 1000)}only ten b`),
    ]);
    await Promise.all(stalled.map((c) => c.closed)); // bounded by the test's timeout
    for (const c of stalled) {
      expect(c.closedAt! - c.openedAt).toBeGreaterThanOrEqual(IDLE_MS - 50);
      expect(c.received()).toMatch(/^(HTTP\/1.1 408 [^]*)?$/); // never an answer to a request it did not finish
    }
  });

  it('a request whose body has arrived stays open while the service works on it, longer than the idle timeout', async () => {
    const c = await openWatchedConnection(port(), `${head('/slow', 5)}12345`);
    // The server's idle timer fires for this connection (twice: it is watched again) and leaves it open.
    for (let i = 0; i < 2; i++) await new Promise((r) => server.server.once('timeout', r));
    await new Promise((r) => setImmediate(r));
    expect(c.closedAt).toBeUndefined();
    answerSlow();
    await waitFor(
      () => c.received().includes('{"done":true}') || c.closedAt !== undefined,
      10_000,
      'the answer',
    );
    expect(c.received()).toMatch(/^HTTP\/1.1 200 /);
    c.socket.destroy();
  });

  it('a refused request is answered with Connection: close and closed without its body being read', async () => {
    serverSide.refusedBytesRead.length = 0;
    const announced = 200 * 1024 * 1024;
    const c = await openWatchedConnection(port(), head('/refused', announced));
    // The client keeps sending as fast as it can, as an upload does, until the server closes.
    const chunk = Buffer.alloc(256 * 1024, 'x');
    let sent = 0;
    const pump = () => {
      while (c.closedAt === undefined && sent < announced) {
        sent += chunk.length;
        if (!c.socket.write(chunk)) return void c.socket.once('drain', pump);
      }
    };
    pump();
    await c.closed;
    expect(c.received()).toMatch(/^HTTP\/1.1 401 [^]*\r\nConnection: close\r\n[^]*\{"error":"no"\}$/i);
    await waitFor(() => serverSide.refusedBytesRead.length > 0, 10_000, 'the server to count what it read');
    // Node reads at most what sat in its buffers when the answer went out: a few MiB, never the body.
    expect(serverSide.refusedBytesRead[0]).toBeLessThan(8 * 1024 * 1024);
  });

  it('a request that finishes sending is answered normally and keeps its connection', async () => {
    const res = await fetch(`${server.url}/echo`, { method: 'POST', body: 'hello' });
    expect(await res.json()).toEqual({ bytes: 5 });
    expect(res.headers.get('connection')).toBe('keep-alive');
  });
});
