import { TemporaryError } from '@devops/errors';
import { batchEnqueues } from '../src/postgres/batch-enqueues';

interface Job {
  id: string;
  key: string;
  n: number;
}

/** An in-memory store behind the batcher: what each insert got, the ids stored, in order. */
function store(fail?: (jobs: Job[]) => Error | undefined) {
  const inserts: Job[][] = [];
  const stored: Job[] = [];
  const batcher = batchEnqueues<Job>({
    maxBatch: 4,
    async insert(jobs) {
      inserts.push(jobs);
      await new Promise((r) => setTimeout(r, 5)); // a round trip: later adds gather meanwhile
      const err = fail?.(jobs);
      if (err) throw err;
      const ids = new Set<string>();
      for (const j of jobs) {
        if (stored.some((s) => s.id === j.id)) continue;
        stored.push(j);
        ids.add(j.id);
      }
      return ids;
    },
  });
  return { inserts, stored, batcher };
}

describe('batchEnqueues', () => {
  it('shares inserts between concurrent adds, at most one job per key and per id each, keys in call order', async () => {
    const { inserts, stored, batcher } = store();
    // Every 5th repeats the id of the job 3 before it (same key); job 23 (key k2) the id of job 22 (k1).
    const repeated = (n: number) => n % 5 === 4 || n === 23;
    const jobs = Array.from({ length: 24 }, (_, n) => ({
      n,
      key: `k${n % 3}`,
      id: n % 5 === 4 ? `id-${n - 3}` : n === 23 ? 'id-22' : `id-${n}`,
    }));
    const answers = await Promise.all(jobs.map((j) => batcher.add(j)));
    expect(answers).toEqual(jobs.map((j) => !repeated(j.n)));
    expect(inserts.length).toBeLessThan(jobs.length); // shared
    for (const batch of inserts) {
      expect(batch.length).toBeLessThanOrEqual(4);
      expect(new Set(batch.map((j) => j.key)).size).toBe(batch.length);
      expect(new Set(batch.map((j) => j.id)).size).toBe(batch.length);
    }
    for (const key of ['k0', 'k1', 'k2']) {
      const order = stored.filter((j) => j.key === key).map((j) => j.n);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(order).toEqual(jobs.filter((j) => j.key === key && !repeated(j.n)).map((j) => j.n));
    }
  });

  it('a temporary fault fails the whole batch and those waiting; any other failure is tried job by job so one bad job fails alone', async () => {
    let down = true;
    const temp = store(() => (down ? new TemporaryError('database unavailable') : undefined));
    const first = temp.batcher.add({ id: 'a', key: 'k1', n: 1 });
    const burst = [2, 3, 4].map((n) => temp.batcher.add({ id: `id-${n}`, key: `k${n}`, n }));
    const settled = await Promise.allSettled([first, ...burst]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    // The three added while the first insert was tried fail with it, without an insert of their
    // own (no wait for another connection timeout each), and no job is tried alone.
    expect(temp.inserts.map((b) => b.length)).toEqual([1]);
    down = false;
    expect(await temp.batcher.add({ id: 'a', key: 'k1', n: 1 })).toBe(true); // stored now

    const bad = store((jobs) =>
      jobs.some((j) => j.n === 3) ? new Error('unsupported Unicode escape') : undefined,
    );
    const lead = bad.batcher.add({ id: 'x', key: 'k0', n: 0 });
    const rest = [1, 2, 3, 4].map((n) => bad.batcher.add({ id: `id-${n}`, key: `k${n}`, n }));
    const out = await Promise.allSettled([lead, ...rest]);
    expect(out.map((s) => s.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(bad.stored.map((j) => j.n).sort()).toEqual([0, 1, 2, 4]);
  });
});
