import type { Database, tryAdvisoryLock } from '@devops/db';
import type { Logger } from '@devops/logger';
import type { LockVersion } from './admit-upload';

/**
 * The per-version lock of replicas sharing one RELEASE_DIR: a PostgreSQL
 * session advisory lock (pg_try_advisory_lock on hashtext('release-api'),
 * hashtext('<product>@<version>')) on a connection held for the upload, so a
 * replica that dies frees it with its connection. `lock` is @devops/db's
 * tryAdvisoryLock, passed in so that pg is loaded only when a database is used.
 */
export function lockVersionInDatabase(db: Database, lock: typeof tryAdvisoryLock, log: Logger): LockVersion {
  return (product, version) =>
    lock(db, 'release-api', `${product}@${version}`, {
      onLost: (err) =>
        log.error(`the database connection holding the lock of ${product} ${version} broke: ${err.message}`),
    });
}
