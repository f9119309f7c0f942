import fs from 'node:fs';
import path from 'node:path';
import { gzipData, releaseParts, startServer, upload, writeScript } from './helpers';

const mode = (p: string) => (fs.statSync(p).mode & 0o777).toString(8);

describe('published releases are not world-readable: folders 0750, files 0640, whatever the umask', () => {
  let umask: number;
  beforeAll(() => {
    umask = process.umask();
  });
  afterAll(() => {
    process.umask(umask);
  });

  it.each([[0o000], [0o022], [0o077]])('umask %o', async (mask) => {
    process.umask(mask);
    const server = await startServer({
      products: { products: { app: { requiredFields: [], script: writeScript('exit 0') } } },
    });
    try {
      expect((await upload(server.url, releaseParts(gzipData(1000), { version: '1.0.0' }))).status).toBe(201);
      const productDir = path.join(server.dir, 'app');
      const versionDir = path.join(productDir, '1.0.0');
      expect({
        product: mode(productDir),
        version: mode(versionDir),
        tgz: mode(path.join(versionDir, 'app-1.0.0.tgz')),
        env: mode(path.join(versionDir, 'release.env')),
        json: mode(path.join(versionDir, 'release.json')),
      }).toEqual({ product: '750', version: '750', tgz: '640', env: '640', json: '640' });
    } finally {
      await server.close();
    }
  });
});
