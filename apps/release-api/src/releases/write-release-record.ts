import path from 'node:path';
import { writeFileDurably } from '@devops/durable-fs';
import type { ReleaseRecord } from './release-record';

/** Release files are for the release script and operators to read: world-readable, like the artifact. */
export const RELEASE_FILE_MODE = 0o644;

/** Writes `dir/release.json` whole or not at all (temp file, fsync, rename, fsync the folder). */
export async function writeReleaseRecord(dir: string, record: ReleaseRecord): Promise<void> {
  await writeFileDurably(path.join(dir, 'release.json'), `${JSON.stringify(record, null, 2)}\n`, {
    mode: RELEASE_FILE_MODE,
  });
}
