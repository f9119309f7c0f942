import type { Logger } from '@devops/logger';
import type { CatchUpStore } from './catch-up-store';
import { openPostgresStore } from './open-postgres-store';
import { openSpoolStore } from './open-spool-store';

/**
 * Opens the catch-up store beside the app's queue: PostgreSQL with DATABASE_URL, else the spool folder.
 */
export async function openCatchUpStore(
  where: { spoolDir: string; databaseUrl?: string | undefined },
  opts: { app: string; log: Logger },
): Promise<CatchUpStore> {
  if (!where.databaseUrl) return openSpoolStore(where.spoolDir);
  return openPostgresStore(where.databaseUrl, opts);
}
