import net from 'node:net';
import path from 'node:path';
import fs from 'node:fs';
import { waitFor, tempDir } from '@devops/testkit';
import {
  gzipData,
  listTree,
  md5,
  multipart,
  releaseParts,
  startServer,
  upload,
  writeScript,
  type TestServer,
} from './helpers';

/**
 * Sends headers and the first `bytes` of the body over a raw socket, waits until `reached` holds
 * (e.g. the server has the file part on disk), then destroys the connection.
 */
async function disconnectMidBody(
  server: TestServer,
  body: Buffer,
  contentType: string,
  bytes: number,
  reached?: () => boolean,
): Promise<void> {
  const sock = net.connect(server.port, '127.0.0.1');
  await new Promise((r) => sock.on('connect', r));
  sock.write(
    `POST /releases HTTP/1.1\r\nHost: x\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`,
  );
  await new Promise<void>((r) => sock.write(body.subarray(0, bytes), () => r()));
  if (reached) await waitFor(reached, 10_000, 'the server to read the partial body');
  sock.destroy();
}

/** The upload's file part is being written (its staging .tgz exists). */
const staged = (server: TestServer) => () => listTree(server.dir).some((f) => f.endsWith('.tgz'));

describe('an aborted upload leaves nothing behind', () => {
  it('a client that disconnects mid-file: no temporary file, no folder, no lock, no script run; the same version can be sent again', async () => {
    const marker = path.join(tempDir('marker'), 'ran');
    const script = writeScript(`touch ${marker}`);
    const server = await startServer({ products: { products: { app: { requiredFields: [], script } } } });
    try {
      const data = gzipData(2 * 1024 * 1024);
      const { body, contentType } = multipart(releaseParts(data));
      // while the partial upload was in flight a temporary file existed; afterwards nothing
      await disconnectMidBody(server, body, contentType, Math.floor(body.length / 2), staged(server));
      await waitFor(
        () => server.logs().includes('upload aborted') && listTree(server.dir).length === 0,
        5000,
        'the abort to be cleaned up',
      );
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
      // Nothing kept: the server logged the abort, so it is past the point of keeping anything.
      await waitFor(() => server.logs().includes('upload aborted'), 5000, 'the abort');
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
      await disconnectMidBody(server, body, contentType, body.length - 10, staged(server));
      await waitFor(() => listTree(server.dir).length === 0, 5000, 'an empty release folder');
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
      await waitFor(staged(server), 5000, 'the staged file');
      const during = listTree(server.dir);
      expect(during.filter((f) => f.endsWith('.tgz'))).toEqual([
        expect.stringMatching(/^\.tmp\/[^/]+\/app-1\.0\.0\.tgz$/),
      ]);
      expect(during.some((f) => f.startsWith('app/'))).toBe(false);
      sock.destroy();
      await waitFor(() => listTree(server.dir).length === 0, 5000, 'an empty release folder');
      expect(listTree(server.dir)).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
