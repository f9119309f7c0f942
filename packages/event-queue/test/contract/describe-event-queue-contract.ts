/**
 * The contract every EventQueue implementation passes (the local spool, PostgreSQL).
 * Use it from an implementation's own test file:
 *
 *   describeEventQueueContract('spool', async () => ({ open: (o) => createSpoolQueue({...o, dir}), destroy }));
 *
 * Waits are asserted in the queue's own clock: a fixture with `virtualTime`
 * (the spool) runs on an auto-advancing test clock, so its backoffs, Retry-Afters
 * and holds pass at once; PostgreSQL keeps real time (pg-boss compares start
 * times with the database's clock), with waits of tens of milliseconds. Either
 * way the assertions are outcomes and lower bounds in that clock (an event did
 * not run before its hold ended), never upper bounds.
 */
import { ConflictError, NotFoundError, PermanentError, RefusedError, TemporaryError } from '@devops/errors';
import { createAutoClock, waitFor } from '@devops/testkit';
import type {
  EventPayload,
  EventQueue,
  EventQueueOptions,
  NewEvent,
  ProcessEvent,
  QueuedEvent,
  QueueObserver,
  QueuePolicy,
} from '../../src/queue/event-queue';

export interface QueueFixture {
  /**
   * Opens a queue on this fixture's storage: the same storage on every call
   * (a restart of the service, or the operator's CLI beside it).
   */
  open(options: EventQueueOptions): Promise<EventQueue>;
  /** Removes the storage; every queue opened has been stopped. */
  destroy(): Promise<void>;
  /** The queue honours EventQueueOptions.now/setTimer: its waits pass in a test clock's time. */
  virtualTime?: boolean;
}

export const FAST_POLICY: QueuePolicy = {
  baseDelayMs: 10,
  maxDelayMs: 40,
  maxAgeMs: 60_000,
  holdMaxMs: 60_000,
};

interface Run {
  event: QueuedEvent;
  payload: EventPayload;
  attempt: number;
  at: number;
  outcome: 'ok' | 'failed';
}

function newEvent(project: number, n: number, idempotencyKey: string | null = null): NewEvent {
  const payload = { object_kind: 'merge_request', project: { id: project }, n, text: `é ✓ "q" ${n}` };
  return {
    deliveryId: `delivery-${project}-${n}`,
    idempotencyKey,
    event: 'Merge Request Hook',
    objectKind: 'merge_request',
    orderKey: `project:${project}`,
    raw: JSON.stringify(payload),
  };
}

/** A processor that records every run (at the queue's clock's time); `behave` may throw to fail the run. */
function recordRuns(
  now: () => number,
  behave: (payload: EventPayload, attempt: number) => Promise<void> | void = () => {},
) {
  const runs: Run[] = [];
  const process: ProcessEvent = async (event, payload, attempt) => {
    const run: Run = { event, payload, attempt, at: now(), outcome: 'failed' };
    runs.push(run);
    await behave(payload, attempt);
    run.outcome = 'ok';
  };
  const done = (n: number) => runs.filter((r) => r.payload.n === n && r.outcome === 'ok');
  return { runs, process, done };
}

function observed() {
  const seen = {
    processed: [] as string[],
    retried: [] as string[],
    dead: [] as string[],
    overtaken: [] as string[],
  };
  const observer: QueueObserver = {
    processed: (e) => seen.processed.push(e.id),
    retried: (e) => seen.retried.push(e.id),
    deadLettered: (e) => seen.dead.push(e.id),
    overtaken: (e) => seen.overtaken.push(e.id),
  };
  return { seen, observer };
}

export function describeEventQueueContract(name: string, createFixture: () => Promise<QueueFixture>): void {
  describe(`EventQueue contract: ${name}`, () => {
    let fixture: QueueFixture;
    let opened: EventQueue[] = [];
    /** The queues' clock: a test clock where the fixture honours one, else real time. */
    let clock: { now: () => number; setTimer?: (fn: () => void, ms: number) => () => void };
    const recorder = (behave?: (payload: EventPayload, attempt: number) => Promise<void> | void) =>
      recordRuns(clock.now, behave);
    const open = async (overrides: Partial<EventQueueOptions> = {}) => {
      const q = await fixture.open({ policy: FAST_POLICY, ...clock, ...overrides });
      opened.push(q);
      return q;
    };
    const stop = async (q: EventQueue) => {
      opened = opened.filter((o) => o !== q);
      await q.stop();
    };

    beforeEach(async () => {
      fixture = await createFixture();
      opened = [];
      clock = fixture.virtualTime ? createAutoClock() : { now: Date.now };
    });
    afterEach(async () => {
      for (const q of opened) await q.stop();
      await fixture.destroy();
    });

    it('processes an accepted event once, with its body and headers as they were enqueued', async () => {
      const q = await open();
      const sent = newEvent(7, 1, 'key-1');
      const result = await q.enqueue(sent);
      expect(result.status).toBe('accepted');
      expect(await q.depth()).toBe(1);
      const r = recorder();
      await q.start(r.process);
      await q.idle();
      expect(r.runs).toHaveLength(1);
      const [run] = r.runs;
      expect(run!.payload).toEqual(JSON.parse(sent.raw));
      expect(run!.attempt).toBe(1);
      expect(run!.event).toMatchObject({
        id: result.status === 'accepted' ? result.id : '',
        deliveryId: sent.deliveryId,
        idempotencyKey: 'key-1',
        event: 'Merge Request Hook',
        objectKind: 'merge_request',
        orderKey: 'project:7',
      });
      expect(await q.depth()).toBe(0);
      expect(await q.deadLetters.count()).toBe(0);
    });

    it('keeps what was enqueued across a restart and processes it then, in order', async () => {
      const first = await open();
      await first.enqueue(newEvent(1, 1));
      await first.enqueue(newEvent(1, 2));
      await stop(first);
      const second = await open();
      const r = recorder();
      await second.start(r.process);
      await second.idle();
      expect(r.runs.map((x) => x.payload.n)).toEqual([1, 2]);
    });

    it('answers duplicate for an Idempotency-Key already seen: pending, processed, and after a restart', async () => {
      const q = await open();
      expect((await q.enqueue(newEvent(1, 1, 'dup'))).status).toBe('accepted');
      expect((await q.enqueue(newEvent(1, 2, 'dup'))).status).toBe('duplicate');
      const r = recorder();
      await q.start(r.process);
      await q.idle();
      expect((await q.enqueue(newEvent(1, 3, 'dup'))).status).toBe('duplicate');
      await stop(q);
      const again = await open();
      expect((await again.enqueue(newEvent(1, 4, 'dup'))).status).toBe('duplicate');
      // Without a key nothing is de-duplicated.
      expect((await again.enqueue(newEvent(1, 5))).status).toBe('accepted');
      expect((await again.enqueue(newEvent(1, 5))).status).toBe('accepted');
      await again.start(r.process);
      await again.idle();
      expect(r.runs.map((x) => x.payload.n)).toEqual([1, 5, 5]);
    });

    it('runs the events of one orderKey one at a time in arrival order, while other keys go on', async () => {
      const q = await open();
      let running = 0;
      let maxRunning = 0;
      let otherDone = false;
      const r = recorder(async (p) => {
        if ((p.project as { id: number }).id === 2) {
          otherDone = true;
          return;
        }
        running++;
        maxRunning = Math.max(maxRunning, running);
        // The first event of project 1 waits until project 2's event is done: keys do not queue behind each other.
        if (p.n === 1) await waitFor(() => otherDone, 15_000, 'the other project');
        // The handler's work takes a while (not a wait for anything): time for a second one of the key to overlap.
        await new Promise((res) => setTimeout(res, 5));
        running--;
      });
      for (const n of [1, 2, 3]) await q.enqueue(newEvent(1, n));
      await q.enqueue(newEvent(2, 9));
      await q.start(r.process);
      await q.idle();
      expect(r.runs.filter((x) => x.payload.n !== 9).map((x) => x.payload.n)).toEqual([1, 2, 3]);
      expect(maxRunning).toBe(1);
      expect(otherDone).toBe(true);
    });

    it('runs different orderKeys side by side (up to concurrency), each key still in arrival order', async () => {
      const q = await open({ concurrency: 3 });
      const started = new Set<number>();
      const r = recorder(async (p) => {
        const key = (p.project as { id: number }).id;
        started.add(key);
        // The first event of each key waits until all three keys are in hand at once: with the keys
        // serialised behind each other this never happens and the test times out.
        if ((p.n as number) % 10 === 1)
          await waitFor(() => started.size === 3, 15_000, 'three keys in hand at once');
      });
      for (const n of [1, 2])
        for (const key of [21, 22, 23]) await q.enqueue(newEvent(key, key * 10 + n - 200));
      await q.start(r.process);
      await q.idle();
      expect(started.size).toBe(3);
      for (const key of [21, 22, 23]) {
        const order = r.runs
          .filter((x) => (x.payload.project as { id: number }).id === key)
          .map((x) => x.payload.n);
        expect(order).toEqual([key * 10 - 199, key * 10 - 198]);
      }
    });

    it('drains a backlog of 50 events over 5 keys: each key one at a time in arrival order, the keys side by side', async () => {
      // A backlog is where an implementation takes several events at once (one fetch for every free
      // slot): none of them may be two of one key, and a key's next event waits for the one before.
      const q = await open({ concurrency: 5 });
      const keys = [31, 32, 33, 34, 35];
      const inHand = new Map<number, number>();
      const seen = new Set<number>();
      let twoOfOneKey = 0;
      const r = recorder(async (p) => {
        const key = (p.project as { id: number }).id;
        const now = (inHand.get(key) ?? 0) + 1;
        inHand.set(key, now);
        if (now > 1) twoOfOneKey++;
        seen.add(key);
        // Each key's first event waits until every key has one in hand at once: keys queued behind
        // each other (or a batch of one key's events) never get there and the test times out.
        if ((p.n as number) < keys.length)
          await waitFor(() => seen.size === keys.length, 15_000, 'five keys in hand at once');
        await new Promise((res) => setTimeout(res, 1));
        inHand.set(key, inHand.get(key)! - 1);
      });
      for (let n = 0; n < 50; n++) await q.enqueue(newEvent(keys[n % keys.length]!, n));
      await q.start(r.process);
      await q.idle();
      expect(twoOfOneKey).toBe(0);
      expect(r.runs).toHaveLength(50);
      for (const [i, key] of keys.entries()) {
        const order = r.runs
          .filter((x) => (x.payload.project as { id: number }).id === key)
          .map((x) => x.payload.n);
        expect(order).toEqual(Array.from({ length: 10 }, (_, k) => k * keys.length + i));
      }
      expect(await q.depth()).toBe(0);
    });

    it('at the shutdown signal starts nothing new; an event whose wait is cut short stays queued, and runs once at the next start', async () => {
      const shutdown = new AbortController();
      const q = await open({ signal: shutdown.signal, concurrency: 1 });
      const seenSignals: AbortSignal[] = [];
      const first = recorder(async (_p, attempt) => {
        expect(attempt).toBe(1);
        // A handler waiting out a long Retry-After, cut short by the signal: what runWithRetry does.
        const signal = seenSignals.at(-1)!;
        await new Promise<void>((_resolve, reject) =>
          signal.addEventListener('abort', () => reject(new TemporaryError('shutting down')), { once: true }),
        );
      });
      const process: ProcessEvent = async (event, payload, attempt, signal) => {
        seenSignals.push(signal);
        await first.process(event, payload, attempt, signal);
      };
      await q.enqueue(newEvent(31, 1));
      await q.enqueue(newEvent(32, 2));
      await q.start(process);
      await waitFor(() => first.runs.length === 1, 15_000, 'the first event in hand');
      shutdown.abort(new Error('SIGTERM received'));
      await stop(q);
      expect(first.runs.map((x) => [x.payload.n, x.outcome])).toEqual([[1, 'failed']]);
      expect(seenSignals[0]!.aborted).toBe(true);

      const again = await open();
      const second = recorder();
      await again.start(second.process);
      await again.idle();
      // Both once; the cut-short event as a first attempt again (it did not fail), nothing dead-lettered.
      expect(second.runs.map((x) => [x.payload.n, x.attempt, x.outcome]).sort()).toEqual([
        [1, 1, 'ok'],
        [2, 1, 'ok'],
      ]);
      expect(await again.deadLetters.count()).toBe(0);
    });

    it('retries a TemporaryError with backoff until it succeeds; nothing is dead-lettered', async () => {
      const { seen, observer } = observed();
      const q = await open({ observer });
      const r = recorder((_p, attempt) => {
        if (attempt < 3) throw new TemporaryError(`GitLab answered 503 (${attempt})`, { status: 503 });
      });
      await q.enqueue(newEvent(1, 1));
      await q.start(r.process);
      await q.idle();
      expect(r.runs.map((x) => [x.attempt, x.outcome])).toEqual([
        [1, 'failed'],
        [2, 'failed'],
        [3, 'ok'],
      ]);
      expect(await q.deadLetters.count()).toBe(0);
      expect(seen.retried).toHaveLength(2);
      expect(seen.processed).toHaveLength(1);
    });

    it("waits at least a TemporaryError's retryAfterMs before the next attempt", async () => {
      const q = await open();
      const r = recorder((_p, attempt) => {
        if (attempt === 1) throw new TemporaryError('429', { status: 429, retryAfterMs: 250 });
      });
      await q.enqueue(newEvent(1, 1));
      await q.start(r.process);
      await q.idle();
      expect(r.runs).toHaveLength(2);
      expect(r.runs[1]!.at - r.runs[0]!.at).toBeGreaterThanOrEqual(240);
    });

    it.each([
      ['NotFoundError', () => new NotFoundError('404 Merge request not found')],
      ['ConflictError', () => new ConflictError('409 Conflict')],
      ['PermanentError', () => new PermanentError('403 Forbidden')],
      ['RefusedError', () => new RefusedError('refused on purpose')],
      ['TypeError', () => new TypeError("Cannot read properties of undefined (reading 'iid')")],
    ])(
      'dead-letters a %s after one attempt while the next event of the project goes on',
      async (kind, make) => {
        const { seen, observer } = observed();
        const q = await open({ observer });
        const error = make();
        const r = recorder((p) => {
          if (p.n === 1) throw error;
        });
        const first = await q.enqueue(newEvent(3, 1, 'k1'));
        await q.enqueue(newEvent(3, 2));
        await q.start(r.process);
        await q.idle();
        expect(r.runs.map((x) => [x.payload.n, x.attempt, x.outcome])).toEqual([
          [1, 1, 'failed'],
          [2, 1, 'ok'],
        ]);
        const id = first.status === 'accepted' ? first.id : '';
        const list = await q.deadLetters.list();
        expect(list).toHaveLength(1);
        expect(list[0]).toMatchObject({
          id,
          attempts: 1,
          objectKind: 'merge_request',
          orderKey: 'project:3',
        });
        expect(list[0]!.error).toContain(kind);
        expect(list[0]!.error).toContain(error.message);
        const letter = await q.deadLetters.show(id);
        expect(letter?.payload).toEqual(JSON.parse(newEvent(3, 1).raw));
        expect(letter?.idempotencyKey).toBe('k1');
        expect(await q.deadLetters.count()).toBe(1);
        expect(seen.dead).toEqual([id]);
      },
    );

    it('dead-letters an event still failing temporarily maxAgeMs after it arrived', async () => {
      const q = await open({ policy: { ...FAST_POLICY, maxAgeMs: 300 } });
      const r = recorder(() => {
        throw new TemporaryError('GitLab unreachable: ECONNREFUSED');
      });
      const enqueuedAt = clock.now();
      await q.enqueue(newEvent(1, 1));
      await q.start(r.process);
      await q.idle();
      const [letter] = await q.deadLetters.list();
      expect(r.runs.length).toBeGreaterThan(1);
      expect(letter!.attempts).toBe(r.runs.length);
      expect(letter!.error).toMatch(/gave up after \d+ attempts/);
      expect(letter!.error).toContain('ECONNREFUSED');
      // The last attempt ran no earlier than maxAgeMs after the event arrived.
      expect(r.runs.at(-1)!.at - enqueuedAt).toBeGreaterThanOrEqual(290);
    });

    it('holds later events of the project behind a failing one for holdMaxMs, then lets them go ahead', async () => {
      const { seen, observer } = observed();
      const holdMaxMs = 300;
      const q = await open({
        observer,
        policy: { ...FAST_POLICY, baseDelayMs: 20, maxDelayMs: 50, holdMaxMs },
      });
      let fixed = false;
      const r = recorder((p) => {
        if (p.n === 1 && !fixed) throw new TemporaryError('GitLab answered 502', { status: 502 });
      });
      await q.enqueue(newEvent(5, 1));
      const second = await q.enqueue(newEvent(5, 2));
      await q.enqueue(newEvent(6, 3)); // another project is not held
      await q.start(r.process);
      await waitFor(() => r.done(2).length === 1, 15_000, 'the held event went ahead');
      const firstFailure = r.runs.find((x) => x.payload.n === 1)!.at;
      expect(r.done(2)[0]!.at - firstFailure).toBeGreaterThanOrEqual(holdMaxMs - 10);
      expect(r.done(3)[0]!.at).toBeLessThanOrEqual(r.done(2)[0]!.at);
      expect(r.runs.filter((x) => x.payload.n === 1).length).toBeGreaterThan(1);
      expect(r.done(1)).toHaveLength(0);
      expect(seen.overtaken).toEqual([second.status === 'accepted' ? second.id : '']);
      fixed = true;
      await q.idle();
      expect(r.done(1)).toHaveLength(1);
      expect(await q.deadLetters.count()).toBe(0);
    });

    it('replays a dead letter through a second queue on the same storage: processed once by the running one, not again after a restart', async () => {
      const q = await open();
      let fixed = false;
      const r = recorder((p) => {
        if (p.n === 1 && !fixed) throw new NotFoundError('404 Project Not Found');
      });
      const first = await q.enqueue(newEvent(4, 1, 'replay-key'));
      const id = first.status === 'accepted' ? first.id : '';
      await q.start(r.process);
      await q.idle();
      expect(await q.deadLetters.count()).toBe(1);

      const operator = await open(); // the CLI: never started
      expect(await operator.deadLetters.replay('no-such-letter')).toBe(false);
      fixed = true;
      expect(await operator.deadLetters.replay(id)).toBe(true);
      expect(await operator.deadLetters.count()).toBe(0);
      expect(await operator.deadLetters.replay(id)).toBe(false);
      await stop(operator);

      await waitFor(() => r.done(1).length === 1, 15_000, 'the replayed event was processed');
      const replayed = r.done(1)[0]!;
      expect(replayed.attempt).toBe(1);
      expect(replayed.event.replayOf).toBe(id);
      expect(replayed.event.id).not.toBe(id);
      expect(replayed.payload).toEqual(JSON.parse(newEvent(4, 1).raw));
      await q.idle();
      await stop(q);

      const restarted = await open();
      await restarted.enqueue(newEvent(4, 2));
      await restarted.start(r.process);
      await restarted.idle();
      expect(r.done(2)).toHaveLength(1);
      expect(r.done(1)).toHaveLength(1);
      expect(await restarted.deadLetters.count()).toBe(0);
    });

    it('processes a dead letter replayed while no queue runs at the next start, once', async () => {
      const q = await open();
      const failing = recorder(() => {
        throw new ConflictError('409 Conflict');
      });
      const first = await q.enqueue(newEvent(8, 1));
      await q.start(failing.process);
      await q.idle();
      await stop(q);
      const operator = await open();
      expect(await operator.deadLetters.replay(first.status === 'accepted' ? first.id : '')).toBe(true);
      await stop(operator);
      const next = await open();
      const r = recorder();
      await next.start(r.process);
      await next.idle();
      expect(r.done(1)).toHaveLength(1);
      expect(await next.deadLetters.count()).toBe(0);
    });

    it('drops a dead letter; show, replay and drop of an unknown id find nothing; count stays exact', async () => {
      const q = await open();
      const r = recorder(() => {
        throw new PermanentError('400 Bad Request');
      });
      const a = await q.enqueue(newEvent(1, 1));
      const b = await q.enqueue(newEvent(2, 2));
      await q.start(r.process);
      await q.idle();
      const [ida, idb] = [a, b].map((x) => (x.status === 'accepted' ? x.id : ''));
      expect((await q.deadLetters.list()).map((l) => l.id).sort()).toEqual([ida, idb].sort());
      const operator = await open();
      expect(await operator.deadLetters.drop(ida!)).toBe(true);
      expect(await operator.deadLetters.drop(ida!)).toBe(false);
      expect(await operator.deadLetters.show(ida!)).toBeUndefined();
      expect(await operator.deadLetters.show('no-such-letter')).toBeUndefined();
      expect(await operator.deadLetters.drop('no-such-letter')).toBe(false);
      expect(await q.deadLetters.count()).toBe(1);
      expect((await q.deadLetters.list()).map((l) => l.id)).toEqual([idb]);
    });

    it('stop() lets the event in hand finish and leaves the rest for the next start', async () => {
      const q = await open({ concurrency: 1 });
      let release!: () => void;
      const gate = new Promise<void>((res) => (release = res));
      const r = recorder(async (p) => {
        if (p.n === 1) await gate;
      });
      await q.enqueue(newEvent(1, 1));
      await q.enqueue(newEvent(1, 2));
      await q.start(r.process);
      await waitFor(() => r.runs.length === 1, 15_000, 'the first event started');
      const stopping = stop(q);
      setTimeout(release, 20);
      await stopping;
      expect(r.done(1)).toHaveLength(1);
      expect(r.runs.filter((x) => x.payload.n === 2)).toHaveLength(0);
      const next = await open();
      await next.start(r.process);
      await next.idle();
      expect(r.done(1)).toHaveLength(1);
      expect(r.done(2)).toHaveLength(1);
    });

    it('stores errors with secrets masked', async () => {
      const secret = 'glpat-s3cretvalue123456';
      const q = await open({ mask: (t) => t.split(secret).join('[secret]') });
      const r = recorder(() => {
        throw new PermanentError(`401 for token ${secret}`);
      });
      await q.enqueue(newEvent(1, 1));
      await q.start(r.process);
      await q.idle();
      const [summary] = await q.deadLetters.list();
      const letter = await q.deadLetters.show(summary!.id);
      expect(JSON.stringify(letter)).not.toContain(secret);
      expect(letter!.error).toContain('[secret]');
    });
  });
}
