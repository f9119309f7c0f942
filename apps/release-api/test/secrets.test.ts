import fs from 'node:fs';
import path from 'node:path';
import { SECRET, gzipData, releaseParts, startServer, upload, writeScript } from './helpers';

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('the shared secret', () => {
  it('never appears in logs, responses or files on disk', async () => {
    const script = writeScript('env; echo "$@"');
    const server = await startServer({
      products: {
        products: {
          app: { requiredFields: [], script },
          failing: { requiredFields: [], script: '/bin/false' },
        },
      },
    });
    try {
      const data = gzipData(5000);
      const replies = [
        await upload(server.url, releaseParts(data)),
        await upload(server.url, releaseParts(data, { version: '2.0.0', secret: null }), {
          Authorization: `Bearer ${SECRET}`,
        }),
        await upload(server.url, releaseParts(data, { version: '3.0.0', secret: `${SECRET}x` })),
        await upload(server.url, releaseParts(data, { version: '4.0.0', md5: '0'.repeat(32) })),
        await upload(server.url, releaseParts(data, { product: 'failing' })),
        await upload(
          server.url,
          releaseParts(data, { version: '5.0.0', fields: [['token', `pre-${SECRET}-post`]] }),
        ),
        await upload(server.url, releaseParts(data)),
      ];
      expect(replies.map((r) => r.status)).toEqual([201, 201, 401, 422, 500, 400, 200]);
      expect(replies[5]!.json.details).toEqual([expect.objectContaining({ field: 'token' })]);
      for (const r of replies) {
        expect(r.text).not.toContain(SECRET);
        expect(JSON.stringify(r.headers)).not.toContain(SECRET);
      }
      // the script printed its environment: the secret was not in it
      expect(JSON.stringify(replies[0]!.json.script)).toContain('RELEASE_PRODUCT=app');
      const logs = server.logs();
      expect(logs.length).toBeGreaterThan(100);
      expect(logs).not.toContain(SECRET);
      const files = filesUnder(server.dir);
      expect(files.length).toBeGreaterThanOrEqual(6);
      for (const f of files) expect([f, fs.readFileSync(f, 'utf8').includes(SECRET)]).toEqual([f, false]);
    } finally {
      await server.close();
    }
  });
});
