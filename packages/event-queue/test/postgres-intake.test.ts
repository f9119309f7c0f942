import type { Database } from '@devops/db';
import { waitFor } from '@devops/testkit';
import { useQueueDatabase } from './support/use-queue-database';
import { createPostgresQueue } from '../src/postgres/create-postgres-queue';
import type { EnqueueResult, EventQueue, NewEvent } from '../src/queue/event-queue';

const database = useQueueDatabase('intake');
let url: string;
let db: Database;
let apps = 0;
beforeAll(() => {
  ({ url, db } = database);
});

const policy = { baseDelayMs: 10, maxDelayMs: 40, maxAgeMs: 60_000, holdMaxMs: 60_000 };
const open = () => createPostgresQueue({ db, url, app: `intake-${++apps}`, policy });

const delivery = (n: number, key: string, idempotencyKey: string | null, raw?: string): NewEvent => ({
  deliveryId: `d-${n}`,
  idempotencyKey,
  event: 'Merge Request Hook',
  objectKind: 'merge_request',
  orderKey: key,
  raw: raw ?? JSON.stringify({ object_kind: 'merge_request', n }),
});

/** Starts `q`, collecting each processed event's n per orderKey, in the order processed. */
async function collect(q: EventQueue): Promise<Map<string, number[]>> {
  const seen = new Map<string, number[]>();
  await q.start(async (event, payload) => {
    const list = seen.get(event.orderKey) ?? [];
    list.push((payload as unknown as { n: number }).n);
    seen.set(event.orderKey, list);
  });
  return seen;
}

describe('PostgreSQL queue intake (concurrent enqueues share inserts)', () => {
  it('answers each duplicate among concurrent enqueues "duplicate", runs each accepted event once, each key in call order', async () => {
    const q = open();
    try {
      // Already stored before the burst: a second delivery of it in the burst is a duplicate.
      expect((await q.enqueue(delivery(0, 'project:1', 'early'))).status).toBe('accepted');
      // 90 deliveries at once over 3 keys; every 6th repeats the Idempotency-Key of the delivery
      // just before it (same key: in flight at the same moment), n = 50 (project:2) repeats that of
      // n = 49 (project:1), and n = 47 repeats 'early'.
      const sent: Array<{ n: number; key: string; duplicate: boolean }> = [];
      const calls: Array<Promise<EnqueueResult>> = [];
      for (let n = 1; n <= 90; n++) {
        const key = `project:${n % 3}`;
        const repeat = n % 6 === 0 || n === 50;
        const idem = n === 47 ? 'early' : n === 50 ? 'idem-49' : repeat ? `idem-${n - 3}` : `idem-${n}`;
        sent.push({ n, key, duplicate: repeat || n === 47 });
        calls.push(q.enqueue(delivery(n, key, idem)));
      }
      const results = await Promise.all(calls);
      expect(results.map((r) => r.status)).toEqual(sent.map((s) => (s.duplicate ? 'duplicate' : 'accepted')));

      const seen = await collect(q);
      const expected = new Map<string, number[]>([['project:1', [0]]]);
      for (const s of sent.filter((x) => !x.duplicate)) {
        expected.set(s.key, [...(expected.get(s.key) ?? []), s.n]);
      }
      const total = [...expected.values()].reduce((a, l) => a + l.length, 0);
      await waitFor(
        () => [...seen.values()].reduce((a, l) => a + l.length, 0) >= total,
        20_000,
        'all processed',
      );
      await q.idle();
      expect(new Map([...seen].sort())).toEqual(new Map([...expected].sort()));
    } finally {
      await q.stop();
    }
  }, 30_000);

  it('lets one delivery the database refuses fail alone: the others enqueued with it are stored and run', async () => {
    const q = open();
    try {
      // A body holding a raw U+0000 (stored as \u0000, which jsonb refuses): its insert fails, and
      // not for a temporary reason.
      const bad = 4;
      const calls = Array.from({ length: 8 }, (_, i) =>
        q.enqueue(
          delivery(
            i,
            `project:${i}`,
            `k-${i}`,
            i === bad ? `{"object_kind":"merge_request","n":${i},"note":"a\u0000b"}` : undefined,
          ),
        ),
      );
      const settled = await Promise.allSettled(calls);
      expect(settled.map((s) => s.status)).toEqual(
        Array.from({ length: 8 }, (_, i) => (i === bad ? 'rejected' : 'fulfilled')),
      );
      const seen = await collect(q);
      await waitFor(() => seen.size >= 7, 20_000, 'the other 7 processed');
      await q.idle();
      expect([...seen.values()].flat().sort()).toEqual([0, 1, 2, 3, 5, 6, 7]);
    } finally {
      await q.stop();
    }
  }, 30_000);
});
