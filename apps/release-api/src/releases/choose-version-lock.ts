import { tryAdvisoryLock, type Database } from '@devops/db';
import type { Logger } from '@devops/logger';
import type { LockVersion } from './admit-upload';
import { lockRelease } from './lock-release';

/**
 * The per-version lock: with a database, a PostgreSQL session advisory lock
 * (pg_try_advisory_lock on hashtext('release-api'), hashtext('<product>@<version>'),
 * on a connection held for the upload), so replicas sharing one RELEASE_DIR
 * exclude each other and a replica that dies frees it with its connection;
 * without one, the lock folder in RELEASE_DIR/.locks.
 */
export function chooseVersionLock(opts: {
  releaseDir: string;
  database: () => Database | undefined;
  log: Logger;
}): LockVersion {
  return (product, version) => {
    const db = opts.database();
    if (!db) return lockRelease(opts.releaseDir, product, version, opts.log);
    return tryAdvisoryLock(db, 'release-api', `${product}@${version}`, {
      onLost: (err) =>
        opts.log.error(
          `the database connection holding the lock of ${product} ${version} broke: ${err.message}`,
        ),
    });
  };
}
