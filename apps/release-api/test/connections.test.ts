import fs from 'node:fs';
import path from 'node:path';
import { openWatchedConnection, waitFor, tempDir } from '@devops/testkit';
import { sendRelease } from '../src/upload/send-release';
import { SECRET, gzipData, md5, startServer, type TestServer } from './helpers';

const openFds = () => fs.readdirSync('/proc/self/fd').length;
// Long enough for the upload to finish on a loaded machine while all 300 are still open.
const IDLE_S = 8;

/**
 * SPEC, Common rules: a connection that sends nothing is closed after the idle
 * timeout, a refused request's connection is closed without its body being read,
 * and a genuine upload goes through while hundreds of them are open.
 */
describe('[slow] 300 silent and 60 refused connections while a genuine upload goes through', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ idleTimeout: IDLE_S });
  });
  afterAll(async () => {
    await server.close();
  });

  it('all are closed on time; the upload is published while all 300 silent ones are open', async () => {
    const data = gzipData(2 * 1024 * 1024);
    const file = path.join(tempDir('genuine'), 'genuine.tgz');
    fs.writeFileSync(file, data);
    const fdsBefore = openFds();

    const silent = await Promise.all(Array.from({ length: 300 }, () => openWatchedConnection(server.port)));
    // Refused before the body is read: a wrong secret (401, 50 MiB announced) or too large
    // (413, 1 GiB announced), 64 KiB of the body sent. Answered and closed without reading on.
    const refusedHead = (length: number) =>
      Buffer.concat([
        Buffer.from(
          'POST /releases HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n' +
            `Authorization: Bearer wrong-secret-0123456789\r\nContent-Length: ${length}\r\n\r\n`,
        ),
        Buffer.alloc(64 * 1024, 'x'),
      ]);
    const refused = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        openWatchedConnection(server.port, refusedHead(i % 2 ? 50 * 1024 ** 2 : 1024 ** 3)),
      ),
    );
    const fdsHeld = openFds();

    const res = await sendRelease({
      url: server.url,
      secret: SECRET,
      fields: [
        ['product', 'app'],
        ['version', '1.0.0'],
        ['md5', md5(data)],
      ],
      file,
      size: data.length,
    });
    const uploadedAt = Date.now();
    expect(res.status).toBe(201);
    expect(silent.filter((w) => w.closedAt !== undefined && w.closedAt <= uploadedAt)).toHaveLength(0);

    await Promise.all([...silent, ...refused].map((w) => w.closed)); // the test's timeout bounds it
    const lifetimes = silent.map((w) => (w.closedAt ?? Infinity) - w.openedAt);
    expect(Math.min(...lifetimes)).toBeGreaterThanOrEqual(IDLE_S * 1000 - 100);
    expect(Math.max(...lifetimes)).toBeLessThan(IDLE_S * 1000 + 20_000);
    for (const w of refused) {
      expect(w.received()).toMatch(/^HTTP\/1.1 (401|413) [^]*\r\nConnection: close\r\n/i);
      expect((w.closedAt ?? Infinity) - w.openedAt).toBeLessThan(20_000);
    }
    // Every socket is given back (the client ends of them were counted too).
    await waitFor(() => openFds() <= fdsBefore + 5, {
      timeoutMs: 10_000,
      intervalMs: 50,
      what: 'the sockets to be given back',
    }).catch(() => undefined);
    expect({ held: fdsHeld - fdsBefore >= 360, after: openFds() - fdsBefore <= 5 }).toEqual({
      held: true,
      after: true,
    });
  }, 120_000);
});
