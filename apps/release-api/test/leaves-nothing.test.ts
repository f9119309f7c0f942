import net from 'node:net';
import path from 'node:path';
import fs from 'node:fs';
import {
  gzipData,
  listTree,
  md5,
  multipart,
  releaseParts,
  startServer,
  tempDir,
  upload,
  wait,
  writeScript,
  type TestServer,
} from './helpers';

/** Sends headers and the first `bytes` of the body over a raw socket, then destroys the connection. */
async function disconnectMidBody(
  server: TestServer,
  body: Buffer,
  contentType: string,
  bytes: number,
): Promise<void> {
  const sock = net.connect(server.port, '127.0.0.1');
  await new Promise((r) => sock.on('connect', r));
  sock.write(
    `POST /releases HTTP/1.1\r\nHost: x\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`,
  );
  await new Promise<void>((r) => sock.write(body.subarray(0, bytes), () => r()));
  await wait(150);
  sock.destroy();
}

async function eventually(check: () => boolean, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await wait(20);
}

describe('an aborted upload leaves nothing behind', () => {
  it('a client that disconnects mid-file: no temporary file, no folder, no lock, no script run; the same version can be sent again', async () => {
    const marker = path.join(tempDir('marker'), 'ran');
    const script = writeScript(`touch ${marker}`);
    const server = await startServer({ products: { products: { app: { requiredFields: [], script } } } });
    try {
      const data = gzipData(2 * 1024 * 1024);
      const { body, contentType } = multipart(releaseParts(data));
      await disconnectMidBody(server, body, contentType, Math.floor(body.length / 2));
      // while the partial upload was in flight a temporary file existed; afterwards nothing
      // (the log first: on a loaded machine the tree can still be empty before the server read anything)
      await eventually(() => server.logs().includes('upload aborted') && listTree(server.dir).length === 0);
      expect(listTree(server.dir)).toEqual([]);
      expect(fs.existsSync(marker)).toBe(false);
      expect(server.logs()).toContain('upload aborted');
      const again = await upload(server.url, releaseParts(data));
      expect(again.status).toBe(201);
      expect(fs.existsSync(marker)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('a client that disconnects in the middle of the fields', async () => {
    const server = await startServer();
    try {
      const data = gzipData(10_000);
      const { body, contentType } = multipart(releaseParts(data));
      await disconnectMidBody(server, body, contentType, 60);
      await wait(100);
      expect(listTree(server.dir)).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('a client that disconnects right before the closing boundary', async () => {
    const server = await startServer();
    try {
      const data = gzipData(300_000);
      const { body, contentType } = multipart(releaseParts(data));
      await disconnectMidBody(server, body, contentType, body.length - 10);
      await eventually(() => listTree(server.dir).length === 0);
      expect(listTree(server.dir)).toEqual([]);
      expect((await upload(server.url, releaseParts(data))).json.md5).toBe(md5(data));
    } finally {
      await server.close();
    }
  });

  it('a temporary file exists while the body streams, inside RELEASE_DIR/.tmp', async () => {
    const server = await startServer();
    try {
      const data = gzipData(1024 * 1024);
      const { body, contentType } = multipart(releaseParts(data));
      const sock = net.connect(server.port, '127.0.0.1');
      sock.write(
        `POST /releases HTTP/1.1\r\nHost: x\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      sock.write(body.subarray(0, body.length / 2));
      await eventually(() => listTree(server.dir).some((f) => f.endsWith('.tgz')));
      const during = listTree(server.dir);
      expect(during.filter((f) => f.endsWith('.tgz'))).toEqual([
        expect.stringMatching(/^\.tmp\/[^/]+\/app-1\.0\.0\.tgz$/),
      ]);
      expect(during.some((f) => f.startsWith('app/'))).toBe(false);
      sock.destroy();
      await eventually(() => listTree(server.dir).length === 0);
      expect(listTree(server.dir)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
