import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gzipData, md5, releaseParts, startServer, upload } from './helpers';

describe('concurrent uploads', () => {
  it('[slow] 20 parallel uploads of different versions are all stored correctly', async () => {
    const server = await startServer();
    try {
      const artifacts = Array.from({ length: 20 }, (_, i) => ({
        version: `1.0.${i}`,
        data: gzipData(200_000 + i * 1000),
      }));
      const replies = await Promise.all(
        artifacts.map((a) => upload(server.url, releaseParts(a.data, { version: a.version }))),
      );
      expect(replies.map((r) => r.status)).toEqual(artifacts.map(() => 201));
      for (const a of artifacts) {
        const stored = fs.readFileSync(path.join(server.dir, 'app', a.version, `app-${a.version}.tgz`));
        expect(md5(stored)).toBe(md5(a.data));
        const record = JSON.parse(
          fs.readFileSync(path.join(server.dir, 'app', a.version, 'release.json'), 'utf8'),
        );
        expect(record).toMatchObject({ version: a.version, size: a.data.length, md5: md5(a.data) });
      }
    } finally {
      await server.close();
    }
  });

  it('two concurrent uploads of one version: one 201, one 409', async () => {
    const server = await startServer();
    try {
      const a = gzipData(3 * 1024 * 1024);
      const b = gzipData(3 * 1024 * 1024);
      const replies = await Promise.all([
        upload(server.url, releaseParts(a)),
        upload(server.url, releaseParts(b)),
      ]);
      expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
      const winner = replies.find((r) => r.status === 201)!;
      const stored = fs.readFileSync(path.join(server.dir, 'app', '1.0.0', 'app-1.0.0.tgz'));
      expect(md5(stored)).toBe(winner.json.md5);
    } finally {
      await server.close();
    }
  });

  it('two servers (separate processes) sharing RELEASE_DIR: one 201, one 409', async () => {
    const first = await startServer();
    const child = fork(path.join(__dirname, 'fixtures', 'serve.js'), [first.dir], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    try {
      const otherUrl = await new Promise<string>((resolve) =>
        child.once('message', (m) => resolve(String(m))),
      );
      const a = gzipData(3 * 1024 * 1024);
      const b = gzipData(3 * 1024 * 1024);
      const replies = await Promise.all([
        upload(first.url, releaseParts(a)),
        upload(otherUrl, releaseParts(b)),
      ]);
      expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
    } finally {
      child.kill('SIGTERM');
      await first.close();
    }
  });
});
