import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { syncDir } from './sync-dir';

/** Creates `dir` and any missing parents, fsyncing each parent that got a new entry. */
export async function makeDirDurably(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let cur = path.resolve(dir); ; cur = path.dirname(cur)) {
    try {
      await stat(cur);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      missing.unshift(cur);
      if (path.dirname(cur) === cur) break;
    }
  }
  for (const d of missing) {
    try {
      await mkdir(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    await syncDir(path.dirname(d));
  }
}
