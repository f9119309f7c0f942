import type { Database } from '@devops/db';
import { waitFor } from '@devops/testkit';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { useQueueDatabase } from './support/use-queue-database';
import { createPostgresQueue } from '../src/postgres/create-postgres-queue';
import { queueNameFor } from '../src/postgres/open-pg-boss';
import { describeEventQueueContract } from './contract/describe-event-queue-contract';

const database = useQueueDatabase('queue');
let url: string;
let db: Database;
let apps = 0;
beforeAll(() => {
  ({ url, db } = database);
});

// Each fixture is its own app on one database: its own queue, dead letters and keys.
describeEventQueueContract('PostgreSQL (pg-boss)', async () => {
  const app = `contract-${++apps}`;
  return {
    open: async (options) => createPostgresQueue({ ...options, db, url, app }),
    destroy: async () => {},
  };
});

describe('PostgreSQL queue workers', () => {
  it('stop() with an event in hand completes it and leaves no pg-boss connection of the queue open', async () => {
    const app = `stop-${++apps}`;
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let started = false;
    const q = createPostgresQueue({
      db,
      url,
      app,
      policy: { baseDelayMs: 10, maxDelayMs: 40, maxAgeMs: 60_000, holdMaxMs: 60_000 },
    });
    await q.enqueue({
      deliveryId: 'd-in-hand',
      idempotencyKey: null,
      event: 'Merge Request Hook',
      objectKind: 'merge_request',
      orderKey: 'project:9',
      raw: '{"object_kind":"merge_request"}',
    });
    await q.start(async () => {
      started = true;
      await gate;
    });
    await waitFor(() => started, 10_000, 'the event to be in hand');
    const stopped = q.stop();
    open();
    await stopped;
    // Its completion went through before the stop ended: the job is finished, not back in the queue.
    const { rows: jobs } = await db.query<{ state: string }>(`SELECT state FROM pgboss.job WHERE name = $1`, [
      queueNameFor(app),
    ]);
    expect(jobs.map((j) => j.state)).toEqual(['completed']);
    // And no pg-boss was opened again for it (its connections would stay, keeping the process alive).
    // A closed connection leaves pg_stat_activity a moment after the client ends it: wait for that.
    const connections = async () => {
      const { rows } = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1`,
        [`${app}/queue`],
      );
      return Number(rows[0]!.n);
    };
    await waitFor(async () => (await connections()) === 0, 5_000, "the queue's connections to close");
    expect(await connections()).toBe(0);
  });

  it('drain a backlog without waiting for their poll: each looks for the next event as soon as one is done', async () => {
    // With an hour's poll, only a worker that looks again at once gets past the first event:
    // one project's 30 events run one at a time, each becoming due as the one before completes.
    const processed: number[] = [];
    const q = createPostgresQueue({
      db,
      url,
      app: `backlog-${++apps}`,
      policy: { baseDelayMs: 10, maxDelayMs: 40, maxAgeMs: 60_000, holdMaxMs: 60_000 },
      pollSeconds: 3_600,
    });
    try {
      for (let n = 1; n <= 30; n++) {
        await q.enqueue({
          deliveryId: `d-${n}`,
          idempotencyKey: null,
          event: 'Merge Request Hook',
          objectKind: 'merge_request',
          orderKey: 'project:7',
          raw: JSON.stringify({ object_kind: 'merge_request', n }),
        });
      }
      await q.start(async (_event, payload) => {
        processed.push((payload as unknown as { n: number }).n);
      });
      // Gives up well before the next poll (an hour) would have moved the queue on.
      await waitFor(() => processed.length >= 30, 20_000, '30 events processed').catch(() => undefined);
      expect(processed).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    } finally {
      await q.stop();
    }
  }, 30_000);

  it('[slow] keep the heartbeat of an event in hand: one that runs past the 10 s heartbeat is not handed to another replica', async () => {
    // The slots refresh the heartbeats of the jobs in hand themselves (pg-boss's work() did it
    // before): without that, the monitor pass (every 5 s) fails a job whose heartbeat is 10 s old
    // and the second replica runs the event a second time.
    const app = `long-${++apps}`;
    const policy = { baseDelayMs: 10, maxDelayMs: 40, maxAgeMs: 600_000, holdMaxMs: 600_000 };
    const runs: string[] = [];
    let release = () => {};
    const holding = new Promise<void>((r) => (release = r));
    const a = createPostgresQueue({ db, url, app, policy, concurrency: 1 });
    const b = createPostgresQueue({ db, url, app, policy, concurrency: 1 });
    try {
      await a.enqueue({
        deliveryId: 'd-long',
        idempotencyKey: null,
        event: 'Merge Request Hook',
        objectKind: 'merge_request',
        orderKey: 'project:3:mr:1',
        raw: JSON.stringify({ object_kind: 'merge_request' }),
      });
      const process = (who: string) => async () => {
        runs.push(who);
        await holding;
      };
      await a.start(process('a'));
      await b.start(process('b'));
      // 10 s of heartbeat, a 5 s monitor pass and its next poll: 18 s with the event in hand.
      const until = Date.now() + 18_000;
      while (runs.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(runs).toHaveLength(1);
      release();
      await a.idle();
      expect(runs).toHaveLength(1);
    } finally {
      release();
      await a.stop();
      await b.stop();
    }
  }, 45_000);
});

describe('PostgreSQL queue after a crash', () => {
  it('[slow] hands an event whose worker was SIGKILLed mid-way to another worker within seconds, not after a minute', async () => {
    // pg-boss fails a job whose heartbeat stopped (10 s) on its monitor pass, every 60 s unless
    // told otherwise: the project's later events waited that long behind it (seen: 46 s in the
    // failover test). The queue runs the pass every 5 s.
    const app = `crash-${++apps}`;
    const child = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'postgres-worker.js')], {
      env: { ...process.env, DATABASE_URL: url, APP: app },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((r) => child.once('exit', r));
    const event = (n: number) => ({
      deliveryId: `d-${n}`,
      idempotencyKey: null,
      event: 'Merge Request Hook',
      objectKind: 'merge_request',
      orderKey: 'project:9',
      raw: JSON.stringify({ object_kind: 'merge_request', object_attributes: { title: `event ${n}` } }),
    });
    const processed: string[] = [];
    const q = createPostgresQueue({
      db,
      url,
      app,
      policy: { baseDelayMs: 10, maxDelayMs: 40, maxAgeMs: 600_000, holdMaxMs: 600_000 },
    });
    try {
      await q.enqueue(event(1));
      await q.enqueue(event(2));
      const started = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const line = out.split('\n').find((l) => l.startsWith('{"started"'));
          if (line) resolve((JSON.parse(line) as { started: string }).started);
        });
        child.once('exit', (code) => reject(new Error(`the worker exited (${code})`)));
      });
      expect(started).toBe('event 1');
      child.kill('SIGKILL');
      await exited;
      await q.start(async (_e, payload) => {
        processed.push(
          (payload as unknown as { object_attributes: { title: string } }).object_attributes.title,
        );
      });
      // Heartbeat 10 s + a pass every 5 s: due within ~16 s. The default pass (60 s) would miss this.
      await waitFor(() => processed.length >= 2, {
        timeoutMs: 40_000,
        intervalMs: 50,
        what: 'both events',
      }).catch(() => undefined);
      expect(processed).toEqual(['event 1', 'event 2']);
    } finally {
      child.kill('SIGKILL');
      await q.stop();
    }
  }, 60_000);
});

describe('PostgreSQL queue storage', () => {
  it('keeps finished events as long as their Idempotency-Keys are remembered and sends no NOTIFY, also on a queue an earlier version made', async () => {
    const app = `retention-${++apps}`;
    // As the previous version created it: finished jobs deleted after an hour.
    const { PgBoss } = await import('pg-boss');
    const boss = new PgBoss({ connectionString: url, schedule: false });
    await boss.start();
    await boss.createQueue(queueNameFor(app), {
      policy: 'key_strict_fifo',
      deleteAfterSeconds: 3_600,
      notify: true,
    });
    await boss.stop({ graceful: false });

    const q = createPostgresQueue({
      db,
      url,
      app,
      policy: { baseDelayMs: 10, maxDelayMs: 40, maxAgeMs: 60_000, holdMaxMs: 60_000 },
      dedupeRetentionMs: 3 * 24 * 3_600_000,
    });
    try {
      await q.depth(); // opens pg-boss and the queue
      const { rows } = await db.query<{ deletion_seconds: number; notify: boolean }>(
        'SELECT deletion_seconds, notify FROM pgboss.queue WHERE name = $1',
        [queueNameFor(app)],
      );
      expect(rows).toEqual([{ deletion_seconds: 3 * 24 * 3_600, notify: false }]);
    } finally {
      await q.stop();
    }
  });
});
