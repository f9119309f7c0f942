import type { Database, DatabaseClient } from '@devops/db';
import { RefusedError } from '@devops/errors';
import type {
  DeadLetter,
  DeadLetters,
  DeadLetterSummary,
  EventPayload,
  QueuedEvent,
} from '../queue/event-queue';

interface Row {
  id: string;
  delivery_id: string;
  idempotency_key: string | null;
  event: string;
  object_kind: string;
  order_key: string;
  received_at: string;
  dead_at: Date;
  attempts: number;
  error: string;
  raw?: string | null;
}

const SUMMARY_COLUMNS =
  'id, delivery_id, idempotency_key, event, object_kind, order_key, received_at, dead_at, attempts, error';

function toSummary(r: Row): DeadLetterSummary {
  return {
    id: r.id,
    deliveryId: r.delivery_id,
    event: r.event,
    objectKind: r.object_kind,
    orderKey: r.order_key,
    receivedAt: new Date(Number(r.received_at)).toISOString(),
    deadAt: r.dead_at.toISOString(),
    attempts: r.attempts,
    error: r.error,
  };
}

function parsePayload(raw: string | null | undefined): EventPayload | null {
  if (raw === null || raw === undefined) return null;
  try {
    const value: unknown = JSON.parse(raw);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as EventPayload)
      : null;
  } catch {
    return null;
  }
}

/** Records a dead letter inside the caller's transaction (the one that also settles the job). */
export async function insertDeadLetter(
  client: DatabaseClient,
  app: string,
  letter: { event: QueuedEvent; raw: string | null; attempts: number; error: string },
): Promise<void> {
  const e = letter.event;
  await client.query(
    `INSERT INTO webhook_dead_letters
       (app, id, delivery_id, idempotency_key, event, object_kind, order_key, received_at, attempts, error, raw)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (app, id) DO NOTHING`,
    [app, e.id, e.deliveryId, e.idempotencyKey, e.event, e.objectKind, e.orderKey, e.receivedAt,
      letter.attempts, letter.error, letter.raw], // prettier-ignore
  );
}

/**
 * Dead letters in PostgreSQL, safe from any replica or the operator's CLI:
 * replay deletes the letter and enqueues the event afresh in one transaction,
 * so it is processed exactly once, by whichever replica fetches it.
 */
export function createPostgresDeadLetters(opts: {
  db: Database;
  app: string;
  /** Enqueues the replayed event inside the replay's transaction. */
  requeue: (client: DatabaseClient, event: QueuedEvent, raw: string) => Promise<void>;
}): DeadLetters {
  const { db, app } = opts;
  const show = async (id: string): Promise<DeadLetter | undefined> => {
    const { rows } = await db.query<Row>(
      `SELECT ${SUMMARY_COLUMNS}, raw FROM webhook_dead_letters WHERE app = $1 AND id = $2`,
      [app, id],
    );
    const r = rows[0];
    if (!r) return undefined;
    return { ...toSummary(r), idempotencyKey: r.idempotency_key, payload: parsePayload(r.raw) };
  };
  return {
    async list() {
      const { rows } = await db.query<Row>(
        `SELECT ${SUMMARY_COLUMNS} FROM webhook_dead_letters WHERE app = $1 ORDER BY dead_at, id`,
        [app],
      );
      return rows.map(toSummary);
    },
    show,
    async replay(id) {
      return db.transaction(async (client) => {
        const { rows } = await client.query<Row>(
          `DELETE FROM webhook_dead_letters WHERE app = $1 AND id = $2 RETURNING ${SUMMARY_COLUMNS}, raw`,
          [app, id],
        );
        const r = rows[0];
        if (!r) return false; // unknown, or replayed/dropped by someone else just now
        if (r.raw === null || r.raw === undefined || parsePayload(r.raw) === null) {
          throw new RefusedError(`dead letter ${id} cannot be replayed: its event body is unreadable`);
        }
        const event: QueuedEvent = {
          id,
          deliveryId: r.delivery_id,
          idempotencyKey: r.idempotency_key,
          event: r.event,
          objectKind: r.object_kind,
          orderKey: r.order_key,
          receivedAt: Number(r.received_at),
        };
        await opts.requeue(client, event, r.raw);
        return true;
      });
    },
    async drop(id) {
      const result = await db.query('DELETE FROM webhook_dead_letters WHERE app = $1 AND id = $2', [app, id]);
      return (result.rowCount ?? 0) > 0;
    },
    async count() {
      const { rows } = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM webhook_dead_letters WHERE app = $1',
        [app],
      );
      return rows[0]?.n ?? 0;
    },
  };
}
