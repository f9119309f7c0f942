import http from 'node:http';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { waitFor } from '@devops/testkit';
import { gzipData, listTree, multipart, releaseParts, startServer, upload } from './helpers';

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      })
      .on('error', reject);
  });
}

describe('the service around POST /releases', () => {
  it('counts uploads by result, bytes received and script runs on /metrics', async () => {
    const server = await startServer({
      products: { products: { app: { requiredFields: [], script: '/bin/true' } } },
    });
    try {
      const data = gzipData(10_000);
      expect((await upload(server.url, releaseParts(data))).status).toBe(201);
      expect((await upload(server.url, releaseParts(data, { version: '2', secret: 'bad' }))).status).toBe(
        401,
      );
      expect((await upload(server.url, releaseParts(data))).status).toBe(200);
      const metrics = await get(`${server.url}/metrics`);
      expect(metrics).toMatch(/release_uploads_total\{result="created",service="release-api"\} 1\n/);
      expect(metrics).toMatch(/release_uploads_total\{result="unauthorized",service="release-api"\} 1\n/);
      expect(metrics).toMatch(/release_uploads_total\{result="existing",service="release-api"\} 1\n/);
      expect(metrics).toMatch(/release_script_runs_total\{result="ok",service="release-api"\} 1\n/);
      expect(metrics).toContain(`release_upload_bytes_total{service="release-api"} ${2 * data.length}\n`);
    } finally {
      await server.close();
    }
  });

  it('on shutdown an upload in flight still completes (201) before the server closes', async () => {
    const server = await startServer();
    const data = gzipData(500_000);
    const { body, contentType } = multipart(releaseParts(data));
    const sock = net.connect(server.port, '127.0.0.1');
    let reply = '';
    sock.on('data', (c: Buffer) => (reply += c.toString()));
    sock.write(
      `POST /releases HTTP/1.1\r\nHost: x\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    sock.write(body.subarray(0, body.length / 2));
    await waitFor(
      () => listTree(server.dir).some((f) => f.endsWith('.tgz')),
      10_000,
      'the upload to be in flight',
    );
    const closed = server.close();
    // Closing: the server takes no new connections (the one in flight stays).
    await waitFor(
      () =>
        fetch(`${server.url}/healthz`).then(
          () => false,
          () => true,
        ),
      10_000,
      'the server to close',
    );
    sock.write(body.subarray(body.length / 2));
    await closed;
    expect(reply).toMatch(/^HTTP\/1.1 201/);
    expect(fs.readFileSync(path.join(server.dir, 'app', '1.0.0', 'app-1.0.0.tgz')).equals(data)).toBe(true);
    sock.destroy();
  });
});
