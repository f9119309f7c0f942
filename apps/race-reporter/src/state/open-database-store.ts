import { tryAdvisoryLock, type Database } from '@devops/db';
import { RefusedError } from '@devops/errors';
import { checkState } from './check-state';
import { emptyState } from './race-state';
import type { StateStore } from './state-store';

/** Versioned schema changes of race-reporter's state (applied once, by @devops/db's migrate). */
export const STATE_MIGRATIONS = [
  {
    id: '001-race-reporter-state',
    sql: `CREATE TABLE race_reporter_state (
      host text PRIMARY KEY,
      state jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
  },
];

/** PostgreSQL's "relation does not exist": nothing was ever saved (a dry run before any real run). */
const UNDEFINED_TABLE = '42P01';

/**
 * The state in PostgreSQL, one row per host (`RACE_REPORTER_HOST`): the
 * cursors and the in-flight journal as one JSON document, saved in one
 * statement (atomic, durable once committed). The run lock is a session
 * advisory lock on (race-reporter, host): held by one connection, released
 * when it ends, so a run that dies leaves no stale lock. The cron container
 * needs no volume.
 */
export function openDatabaseStore(db: Database, host: string): StateStore {
  let lost: Error | undefined;
  return {
    where: `PostgreSQL (${db.description}), host ${host}`,
    async lock() {
      const release = await tryAdvisoryLock(db, 'race-reporter', host, {
        onLost: (err) => {
          lost = err;
        },
      });
      if (!release)
        throw new RefusedError(
          `another race-reporter run for host ${host} holds its lock in PostgreSQL; runs for one host never overlap: ` +
            'try again when it has finished',
        );
      return release;
    },
    async load() {
      try {
        const { rows } = await db.query<{ state: unknown }>(
          'SELECT state FROM race_reporter_state WHERE host = $1',
          [host],
        );
        return rows.length === 0
          ? emptyState()
          : checkState(rows[0]!.state, `the state of host ${host} in PostgreSQL`);
      } catch (err) {
        const code =
          (err as { code?: string; cause?: { code?: string } }).code ??
          (err as { cause?: { code?: string } }).cause?.code;
        if (code === UNDEFINED_TABLE) return emptyState();
        throw err;
      }
    },
    async save(state) {
      if (lost)
        throw new Error(
          `lost the PostgreSQL lock of host ${host} while running: not saving over another run's state`,
        );
      await db.query(
        `INSERT INTO race_reporter_state (host, state, updated_at) VALUES ($1, $2, now())
         ON CONFLICT (host) DO UPDATE SET state = EXCLUDED.state, updated_at = now()`,
        [host, JSON.stringify(state)],
      );
    },
  };
}
