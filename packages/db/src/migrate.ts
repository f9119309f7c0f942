import { createHash } from 'node:crypto';
import type { QueryConfig } from 'pg';
import type { Logger } from '@devops/logger';
import type { Database } from './open-database';

export interface Migration {
  /** Unique and stable, e.g. "001-escalations". Never rename or edit one that has shipped. */
  id: string;
  sql: string;
}

export interface MigrateResult {
  /** Ids applied by this call, in order (empty when another replica got there first). */
  applied: string[];
}

const TABLE = 'devops_schema_migrations';
const MIGRATION_TIMEOUT_MS = 10 * 60_000;

/** node-postgres reads a per-query client-side timeout that its types do not declare. */
function slow(text: string): QueryConfig {
  return { text, query_timeout: MIGRATION_TIMEOUT_MS } as QueryConfig;
}

function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

function checkMigrations(migrations: readonly Migration[]): void {
  const seen = new Set<string>();
  for (const m of migrations) {
    if (!m.id.trim()) throw new Error('a migration has an empty id');
    if (seen.has(m.id)) throw new Error(`migration id "${m.id}" is listed twice`);
    seen.add(m.id);
  }
}

/**
 * Applies `app`'s migrations that are not yet applied, in the order given,
 * all in one transaction: a failing migration leaves none of this run's
 * applied. A transaction-scoped advisory lock serialises replicas (and apps)
 * that start at once: the second waits, then finds nothing left to do.
 * Applied ids are recorded in `devops_schema_migrations` with a checksum; an
 * applied migration whose SQL has since changed is logged, not re-run.
 */
export async function migrate(
  db: Database,
  app: string,
  migrations: readonly Migration[],
  opts: { log?: Logger } = {},
): Promise<MigrateResult> {
  checkMigrations(migrations);
  const log = opts.log;
  return db.transaction(async (client) => {
    // One lock for every app's migrations (they are few and quick): apps sharing a database
    // may start at once too, and the table itself is created under it.
    // Waiting for another replica's migrations, or building an index, may outlast the usual timeouts.
    await client.query(`SET LOCAL statement_timeout = ${MIGRATION_TIMEOUT_MS}`);
    await client.query(slow("SELECT pg_advisory_xact_lock(hashtext('devops-migrate'))"));
    await client.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (
      app text NOT NULL,
      id text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (app, id)
    )`);
    const { rows } = await client.query<{ id: string; checksum: string }>(
      `SELECT id, checksum FROM ${TABLE} WHERE app = $1`,
      [app],
    );
    const done = new Map(rows.map((r) => [r.id, r.checksum]));
    const known = new Set(migrations.map((m) => m.id));
    const unknown = rows.filter((r) => !known.has(r.id)).map((r) => r.id);
    if (unknown.length) {
      log?.warn(
        `database has migrations this version does not know (a newer replica ran them): ${unknown.join(', ')}`,
      );
    }
    const applied: string[] = [];
    for (const m of migrations) {
      const previous = done.get(m.id);
      if (previous !== undefined) {
        if (previous !== checksum(m.sql))
          log?.warn(`migration ${app}/${m.id} changed since it was applied; not re-run`);
        continue;
      }
      await client.query(slow(m.sql));
      await client.query(`INSERT INTO ${TABLE} (app, id, checksum) VALUES ($1, $2, $3)`, [
        app,
        m.id,
        checksum(m.sql),
      ]);
      applied.push(m.id);
      log?.info(`applied migration ${app}/${m.id}`);
    }
    return { applied };
  });
}
