import type { Database } from '@devops/db';
import { encodeOrderKey } from './open-pg-boss';

/** What findOvertaking reads of a fetched job. */
export interface FetchedJob {
  id: string;
  retryCount: number;
  data: { attempts: number; event: { orderKey: string; receivedAt: number } };
}

/**
 * The jobs of a fetched batch that overtake an earlier event of their orderKey waiting behind its
 * own retry (it was moved behind them): one indexed probe on pg-boss's job table (its documented
 * tables are for direct queries) for the whole batch, only for first attempts. Callers ask only when
 * someone listens for overtaking.
 */
export async function findOvertaking(db: Database, queue: string, jobs: FetchedJob[]): Promise<Set<string>> {
  const first = jobs.filter((j) => j.data.attempts === 0 && j.retryCount === 0);
  if (first.length === 0) return new Set();
  const { rows } = await db.query<{ id: string }>(
    `SELECT b.id FROM unnest($2::text[], $3::bigint[], $4::text[]) AS b(key, received, id)
     WHERE EXISTS (
       SELECT 1 FROM pgboss.job
       WHERE name = $1 AND singleton_key = b.key AND state IN ('created', 'retry')
         AND data ? 'firstFailedAt' AND (data->'event'->>'receivedAt')::bigint < b.received)`,
    [
      queue,
      first.map((j) => encodeOrderKey(j.data.event.orderKey)),
      first.map((j) => j.data.event.receivedAt),
      first.map((j) => j.id),
    ],
  );
  return new Set(rows.map((r) => r.id));
}
