import { migrate, openDatabase } from '@devops/db';
import type { Logger } from '@devops/logger';
import { openDatabaseStore, STATE_MIGRATIONS } from './open-database-store';
import { openFileStore } from './open-file-store';
import type { StateStore } from './state-store';

/**
 * The state store the settings choose: PostgreSQL when `DATABASE_URL` is set
 * (opened and migrated here; a bad or unreachable URL is a ConfigError naming
 * DATABASE_URL, never its password), else the state file. A dry run writes
 * nothing, so it does not migrate (a missing table reads as a first run).
 */
export async function openStateStore(opts: {
  databaseUrl: string | undefined;
  statePath: string;
  host: string;
  dryRun: boolean;
  log: Logger;
}): Promise<{ store: StateStore; close: () => Promise<void> }> {
  if (!opts.databaseUrl) return { store: openFileStore(opts.statePath), close: async () => {} };
  const db = await openDatabase(opts.databaseUrl, { log: opts.log, app: 'race-reporter', max: 3 });
  try {
    if (!opts.dryRun) await migrate(db, 'race-reporter', STATE_MIGRATIONS, { log: opts.log });
  } catch (err) {
    await db.close();
    throw err;
  }
  return { store: openDatabaseStore(db, opts.host), close: () => db.close() };
}
