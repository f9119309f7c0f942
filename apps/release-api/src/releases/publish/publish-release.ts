import fs from 'node:fs/promises';
import path from 'node:path';
import { makeDirDurably, syncDir, writeFileDurably } from '@devops/durable-fs';
import { ConflictError } from '@devops/errors';
import { formatReleaseEnv } from './format-release-env';
import { releaseEnvEntries } from './release-env-entries';
import { versionDir, type ReleaseRecord } from './release-record';
import { RELEASE_DIR_MODE, RELEASE_FILE_MODE, writeReleaseRecord } from './write-release-record';

/**
 * Publishes a fully received and checked upload. `stagingDir` (inside
 * RELEASE_DIR/.tmp) already holds the fsynced artifact; release.env and
 * release.json are written next to it, then the whole folder is renamed to
 * RELEASE_DIR/<product>/<version> in one step, so the version folder appears
 * complete or not at all.
 */
export async function publishRelease(opts: {
  releaseDir: string;
  stagingDir: string;
  record: ReleaseRecord;
}): Promise<void> {
  const { record } = opts;
  await writeFileDurably(
    path.join(opts.stagingDir, 'release.env'),
    formatReleaseEnv(releaseEnvEntries(record)),
    { mode: RELEASE_FILE_MODE },
  );
  await writeReleaseRecord(opts.stagingDir, record);
  const productDir = path.join(opts.releaseDir, record.product);
  await makeDirDurably(productDir);
  await fs.chmod(productDir, RELEASE_DIR_MODE);
  try {
    await fs.rename(opts.stagingDir, versionDir(opts.releaseDir, record.product, record.version));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') {
      throw new ConflictError(
        `${record.product} ${record.version} appeared while this upload was being received`,
      );
    }
    throw err;
  }
  await syncDir(productDir);
}
