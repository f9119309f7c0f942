import { migrate, openDatabase, tryAdvisoryLock } from '@devops/db';
import type { Logger } from '@devops/logger';
import { catchUpMigrations } from './catch-up-migrations';
import type { CatchUpStore } from './catch-up-store';

/**
 * The catch-up store in PostgreSQL (with DATABASE_URL): three small tables keyed by app (applied change
 * keys, projects seen, the last pass), shared by every replica; the pass lock is a session advisory lock
 * ("catch-up", app), released by the server if its holder dies.
 */
export async function openPostgresStore(
  url: string,
  opts: { app: string; log: Logger },
): Promise<CatchUpStore> {
  const db = await openDatabase(url, { log: opts.log, app: opts.app, max: 2 });
  await migrate(db, `${opts.app}/catch-up`, catchUpMigrations, { log: opts.log });
  const app = opts.app;
  const seen = new Set<string>();
  return {
    async applied(key) {
      const { rows } = await db.query('SELECT 1 FROM catch_up_applied WHERE app = $1 AND key = $2', [
        app,
        key,
      ]);
      return rows.length > 0;
    },
    async record(key, forget = []) {
      // One statement, one round trip (every webhook event records its key).
      await db.query(
        `WITH recorded AS (
           INSERT INTO catch_up_applied (app, key) VALUES ($1, $2) ON CONFLICT DO NOTHING
         )
         DELETE FROM catch_up_applied WHERE app = $1 AND key = ANY($3::text[])`,
        [app, key, forget],
      );
    },
    async addProject(project) {
      if (seen.has(project)) return;
      await db.query('INSERT INTO catch_up_projects (app, project) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        app,
        project,
      ]);
      seen.add(project);
    },
    async projects() {
      const { rows } = await db.query<{ project: string }>(
        'SELECT project FROM catch_up_projects WHERE app = $1 ORDER BY project',
        [app],
      );
      return rows.map((r) => r.project);
    },
    async lastPass() {
      const { rows } = await db.query<{ last_pass_at: string }>(
        'SELECT last_pass_at FROM catch_up_passes WHERE app = $1',
        [app],
      );
      return rows[0] ? Number(rows[0].last_pass_at) : null;
    },
    async setLastPass(at) {
      await db.query(
        `INSERT INTO catch_up_passes (app, last_pass_at) VALUES ($1, $2)
         ON CONFLICT (app) DO UPDATE SET last_pass_at = GREATEST(catch_up_passes.last_pass_at, EXCLUDED.last_pass_at)`,
        [app, at],
      );
    },
    tryLock: () => tryAdvisoryLock(db, 'catch-up', app),
    close: () => db.close(),
  };
}
