import { TemporaryError } from '@devops/errors';
import type { Cleanups } from '../cleanups';
import { conflict, lockUnavailable, UploadRefused } from '../refusals';
import { readReleaseRecord, versionDir, type ReleaseRecord } from '../publish/release-record';
import type { ReleaseFields } from '../receive/validate-fields';

/** Takes the per-version lock; resolves undefined when another upload holds it. */
export type LockVersion = (product: string, version: string) => Promise<(() => Promise<void>) | undefined>;

export interface Admission {
  /** new: store it; existing: already published with this md5 (hash only); rerun: stored, its script failed. */
  mode: 'new' | 'existing' | 'rerun';
  existing?: ReleaseRecord;
}

/**
 * Stage 4 (admit): takes the product+version lock (409 when another upload
 * holds it, 503 when its database is unreachable; released by `cleanups`),
 * then compares with what is published:
 * other content (or an unreadable release.json) is 409. Throws UploadRefused.
 */
export async function admitUpload(
  fields: ReleaseFields,
  opts: { releaseDir: string; lockVersion: LockVersion; cleanups: Cleanups },
): Promise<Admission> {
  const { product, version } = fields;
  const unlock = await opts.lockVersion(product, version).catch((err: unknown) => {
    // The lock's database is unreachable: the client may retry, nothing was taken.
    if (err instanceof TemporaryError)
      throw new UploadRefused(lockUnavailable('its database is unreachable', 5));
    throw err;
  });
  if (!unlock) throw new UploadRefused(conflict(`an upload of ${product} ${version} is in progress`));
  opts.cleanups.add(unlock);
  const existing = await readReleaseRecord(versionDir(opts.releaseDir, product, version));
  if (existing === undefined) return { mode: 'new' };
  if (existing === 'unreadable') {
    throw new UploadRefused(
      conflict(`${product} ${version} already exists (its release.json is missing or unreadable)`),
    );
  }
  if (existing.md5 !== fields.md5 || (fields.sha256 && fields.sha256 !== existing.sha256)) {
    throw new UploadRefused(
      conflict(`${product} ${version} already exists with other content (md5 ${existing.md5})`),
    );
  }
  return { mode: existing.status === 'published' ? 'existing' : 'rerun', existing };
}
