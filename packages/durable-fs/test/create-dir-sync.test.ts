import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDirSync, writeFileDurably } from '../src';

describe('createDirSync: one folder fsync shared by a burst', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dir-sync-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('serves a burst of durable writes as writeFileDurably syncDir, every file whole', async () => {
    const sync = createDirSync(dir);
    const names = Array.from({ length: 40 }, (_, i) => `f${i}.json`);
    await Promise.all(
      names.map((n, i) => writeFileDurably(path.join(dir, n), `{"i":${i}}`, { syncDir: sync })),
    );
    for (const [i, n] of names.entries())
      expect(JSON.parse(await readFile(path.join(dir, n), 'utf8'))).toEqual({ i });
    await sync.close();
  });

  it('rejects while the folder is missing and works again once it is back', async () => {
    const gone = path.join(dir, 'sub');
    const sync = createDirSync(gone);
    await expect(sync()).rejects.toMatchObject({ code: 'ENOENT' });
    await mkdir(gone);
    await expect(sync()).resolves.toBeUndefined();
    await sync.close();
  });
});
