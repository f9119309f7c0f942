import fs from 'node:fs/promises';
import path from 'node:path';
import { ConflictError } from '@devops/errors';
import { artifactName, versionDir, type ReleaseRecord } from './release-record';
import type { ReceivedFile } from './receive-file';
import type { ReleaseFields } from './validate-fields';
import { fsyncDir, makeDirDurably, writeFileDurably } from './write-durably';

/** The release.env entries, in SPEC order: [KEY, value, field it came from]. */
export function releaseEnvEntries(
  fields: ReleaseFields,
  file: Pick<ReceivedFile, 'sha256' | 'size'>,
): [string, string, string][] {
  return [
    ['PRODUCT', fields.product, 'product'],
    ['VERSION', fields.version, 'version'],
    ['MD5', fields.md5, 'md5'],
    ['SHA256', file.sha256, 'sha256'],
    ['SIZE', String(file.size), 'size'],
    ['FILE', artifactName(fields.product, fields.version), 'file'],
    ...fields.metadata.map(([name, value]): [string, string, string] => [name.toUpperCase(), value, name]),
  ];
}

/** The release.env entries of a stored release (for rerunning its script). */
export function recordEnvEntries(record: ReleaseRecord): [string, string, string][] {
  return [
    ['PRODUCT', record.product, 'product'],
    ['VERSION', record.version, 'version'],
    ['MD5', record.md5, 'md5'],
    ['SHA256', record.sha256, 'sha256'],
    ['SIZE', String(record.size), 'size'],
    ['FILE', artifactName(record.product, record.version), 'file'],
    ...Object.entries(record.fields).map(([name, value]): [string, string, string] => [
      name.toUpperCase(),
      value,
      name,
    ]),
  ];
}

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
  fields: ReleaseFields;
  file: ReceivedFile;
  envText: string;
  hasScript: boolean;
  now: () => Date;
}): Promise<ReleaseRecord> {
  const { fields, file } = opts;
  const record: ReleaseRecord = {
    product: fields.product,
    version: fields.version,
    md5: file.md5,
    sha256: file.sha256,
    size: file.size,
    artifact: path.posix.join(fields.product, fields.version, artifactName(fields.product, fields.version)),
    fields: Object.fromEntries(fields.metadata),
    receivedAt: opts.now().toISOString(),
    status: opts.hasScript ? 'script-running' : 'published',
    script: null,
  };
  await writeFileDurably(path.join(opts.stagingDir, 'release.env'), opts.envText);
  await writeFileDurably(path.join(opts.stagingDir, 'release.json'), `${JSON.stringify(record, null, 2)}\n`);
  const productDir = path.join(opts.releaseDir, fields.product);
  await makeDirDurably(productDir);
  try {
    await fs.rename(opts.stagingDir, versionDir(opts.releaseDir, fields.product, fields.version));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') {
      throw new ConflictError(
        `${fields.product} ${fields.version} appeared while this upload was being received`,
      );
    }
    throw err;
  }
  await fsyncDir(productDir);
  return record;
}
