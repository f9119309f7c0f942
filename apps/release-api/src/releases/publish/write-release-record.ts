import path from 'node:path';
import { writeFileDurably } from '@devops/durable-fs';
import type { ReleaseRecord } from './release-record';

/**
 * Published files (the artifact, release.env, release.json): the service's user and its group
 * (the release script, operators) read them, nobody else. Set explicitly, whatever the umask.
 */
export const RELEASE_FILE_MODE = 0o640;
/** Published folders (`<product>/`, `<product>/<version>/`): the same, for listing them. */
export const RELEASE_DIR_MODE = 0o750;

/** Writes `dir/release.json` whole or not at all (temp file, fsync, rename, fsync the folder). */
export async function writeReleaseRecord(dir: string, record: ReleaseRecord): Promise<void> {
  await writeFileDurably(path.join(dir, 'release.json'), `${JSON.stringify(record, null, 2)}\n`, {
    mode: RELEASE_FILE_MODE,
  });
}
