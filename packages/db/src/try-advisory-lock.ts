import type { Database } from './open-database';
import { classifyDatabaseError } from './classify-database-error';

export interface AdvisoryLockOptions {
  /**
   * Called when the connection holding the lock breaks: the server has
   * released the lock, so the holder must stop treating it as held.
   */
  onLost?: (err: Error) => void;
}

/**
 * Takes the session-level advisory lock for (`scope`, `key`) on a dedicated
 * connection, without waiting: resolves to a release function, or undefined
 * when another session (any replica) holds it. Keys are hashed to two int4s
 * with PostgreSQL's hashtext. The lock lives as long as that connection:
 * a holder that dies releases it with its connection. Same shape as
 * durable-fs's tryLock, so an app can pick either by configuration.
 */
export async function tryAdvisoryLock(
  db: Database,
  scope: string,
  key: string,
  opts: AdvisoryLockOptions = {},
): Promise<(() => Promise<void>) | undefined> {
  const client = await db.pool.connect().catch((err: unknown) => {
    throw classifyDatabaseError(err);
  });
  let lost: Error | undefined;
  const onError = (err: Error) => {
    if (lost) return;
    lost = err;
    opts.onLost?.(err);
  };
  client.on('error', onError);
  let locked: boolean;
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS locked',
      [scope, key],
    );
    locked = rows[0]?.locked === true;
  } catch (err) {
    client.removeListener('error', onError);
    client.release(err as Error);
    throw classifyDatabaseError(err);
  }
  if (!locked) {
    client.removeListener('error', onError);
    client.release();
    return undefined;
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    let broken = lost;
    if (!broken) {
      await client
        .query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', [scope, key])
        .catch((err: Error) => (broken = err));
    }
    client.removeListener('error', onError);
    // A broken connection is destroyed, not reused; either way the server no longer holds the lock.
    client.release(broken);
  };
}
