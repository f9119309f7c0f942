import fs from 'node:fs/promises';
import path from 'node:path';
import { readReleaseRecord, versionDir, type ReleaseRecord } from '../publish/release-record';
import { NAME } from '../receive/validate-fields';

async function subfolders(dir: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && NAME.test(e.name)).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * Every published release under RELEASE_DIR (or of one product), read from
 * each version's release.json, newest first (by the time it was published;
 * ties by product, then version). Folders without a readable release.json
 * (not ours, or damaged) and the .tmp/.locks folders are left out.
 */
export async function listReleases(releaseDir: string, product?: string): Promise<ReleaseRecord[]> {
  const products = product === undefined ? await subfolders(releaseDir) : [product];
  const records: ReleaseRecord[] = [];
  for (const p of products) {
    for (const version of await subfolders(path.join(releaseDir, p))) {
      const record = await readReleaseRecord(versionDir(releaseDir, p, version));
      if (record && record !== 'unreadable') records.push(record);
    }
  }
  return records.sort(
    (a, b) =>
      b.receivedAt.localeCompare(a.receivedAt) ||
      a.product.localeCompare(b.product) ||
      b.version.localeCompare(a.version, 'en', { numeric: true }),
  );
}
