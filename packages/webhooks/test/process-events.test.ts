import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { PermanentError, TemporaryError } from '@devops/errors';
import {
  gate,
  markerOf,
  metricValue,
  mrEvent,
  post,
  startReceiver,
  useSpoolDirs,
} from './support/start-receiver';
import {
  createSpoolQueue,
  DEFAULT_QUEUE_POLICY,
  type DeadLetterFile as DeadLetter,
  type RetryState,
} from '@devops/event-queue';
import { retryWait } from '@devops/failures';
import { createAutoClock, waitFor } from '@devops/testkit';

describe('background processing: retries, dead letters, order', () => {
  const spoolDir = useSpoolDirs();

  it('retries a handler failing temporarily with growing backoff until it succeeds, keeping the attempt count on disk', async () => {
    const attempts: Array<{ at: number; attempt: number }> = [];
    const dir = await spoolDir();
    let stateAfterFirstFailure: RetryState | undefined;
    const clock = createAutoClock();
    const r = await startReceiver({
      spoolDir: dir,
      policy: { baseDelayMs: 100, maxDelayMs: 10_000 },
      random: () => 0.5,
      ...clock,
      handlers: {
        merge_request: {
          handle: async ({ attempt }) => {
            attempts.push({ at: clock.now(), attempt });
            if (attempt === 2) {
              const [file] = (await r.spooled()).map((id) => `${id}.state.json`);
              stateAfterFirstFailure = JSON.parse(await readFile(path.join(dir, file!), 'utf8'));
            }
            if (attempt < 3) throw new TemporaryError(`GitLab said no (${attempt})`, { status: 502 });
          },
        },
      },
    });
    try {
      expect((await post(r.url, mrEvent('flaky'))).status).toBe(202);
      await r.receiver.idle();
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
      // base 100 ms, full jitter at 0.5 (@devops/failures' retryWait): 50 ms, then 100 ms (in the receiver's clock)
      const policy = { baseDelayMs: 100, maxDelayMs: 10_000 };
      const gap1 = attempts[1]!.at - attempts[0]!.at;
      const gap2 = attempts[2]!.at - attempts[1]!.at;
      expect(gap1).toBeGreaterThanOrEqual(retryWait(1, undefined, policy, () => 0.5));
      expect(gap2).toBeGreaterThanOrEqual(retryWait(2, undefined, policy, () => 0.5));
      expect(gap2).toBeGreaterThan(gap1);
      expect(stateAfterFirstFailure).toMatchObject({
        attempts: 1,
        lastError: 'TemporaryError: GitLab said no (1)',
      });
      expect(await r.spooled()).toEqual([]);
      expect(await r.dead()).toEqual([]);
      const text = await r.metrics();
      expect(metricValue(text, 'gitlab_webhook_events_retried_total', { object_kind: 'merge_request' })).toBe(
        2,
      );
      expect(
        metricValue(text, 'gitlab_webhook_events_processed_total', { object_kind: 'merge_request' }),
      ).toBe(1);
    } finally {
      await r.close();
    }
  });

  it('moves an event whose handler throws PermanentError to dead/ with the error, at once', async () => {
    let calls = 0;
    const r = await startReceiver({
      spoolDir: await spoolDir(),
      secrets: ['glpat-SECRETTOKEN123'],
      handlers: {
        merge_request: {
          handle: async () => {
            calls++;
            throw new PermanentError('403 Forbidden for token glpat-SECRETTOKEN123 on project 1');
          },
        },
      },
    });
    try {
      expect(
        (await post(r.url, mrEvent('doomed'), { uuid: 'uuid-doomed', idempotencyKey: 'k-doomed' })).status,
      ).toBe(202);
      await r.receiver.idle();
      expect(calls).toBe(1);
      expect(await r.spooled()).toEqual([]);
      const dead = await r.dead();
      expect(dead).toHaveLength(1);
      const letter = JSON.parse(
        await readFile(path.join(r.spoolDir, 'dead', dead[0]!), 'utf8'),
      ) as DeadLetter;
      expect(letter.error).toBe('PermanentError: 403 Forbidden for token [REDACTED] on project 1');
      expect(letter.attempts).toBe(1);
      expect(letter.meta).toMatchObject({ deliveryId: 'uuid-doomed', idempotencyKey: 'k-doomed' });
      expect(letter.payload).toEqual(mrEvent('doomed'));
      expect(r.lines.join('\n')).not.toContain('glpat-SECRETTOKEN123');
      const text = await r.metrics();
      expect(metricValue(text, 'gitlab_webhook_events_dead_total', { object_kind: 'merge_request' })).toBe(1);
      expect(metricValue(text, 'gitlab_webhook_dead_letters')).toBe(1);
      // The same delivery resent is still a duplicate: it failed for good, it is not run again.
      const again = await post(r.url, mrEvent('doomed'), { idempotencyKey: 'k-doomed' });
      expect(await again.json()).toMatchObject({ duplicate: true });
      await r.receiver.idle();
      expect(calls).toBe(1);
    } finally {
      await r.close();
    }
  });

  it('runs a dead letter again, once, when the operator replays it while the receiver runs', async () => {
    const dir = await spoolDir();
    let fixed = false;
    const handled: string[] = [];
    const handlers = {
      merge_request: {
        handle: async ({ payload }: { payload: Record<string, unknown> }) => {
          if (!fixed) throw new PermanentError('label "In Review" does not exist');
          handled.push(markerOf(payload));
        },
      },
    };
    const r = await startReceiver({ spoolDir: dir, handlers, replayScanMs: 20 });
    try {
      await post(r.url, mrEvent('second-chance'), { idempotencyKey: 'k-second' });
      await r.receiver.idle();
      const [deadFile] = await r.dead();
      expect(metricValue(await r.metrics(), 'gitlab_webhook_dead_letters')).toBe(1);
      fixed = true;
      // What `dead-letters replay <id>` does, from another process in production.
      expect(
        await createSpoolQueue({ dir, policy: DEFAULT_QUEUE_POLICY }).deadLetters.replay(
          deadFile!.replace(/\.json$/, ''),
        ),
      ).toBe(true);
      expect(metricValue(await r.metrics(), 'gitlab_webhook_dead_letters')).toBe(0);
      await waitFor(() => handled.length === 1, 10_000, 'the replayed event');
      await r.receiver.idle();
      expect(handled).toEqual(['second-chance']);
      expect(await r.spooled()).toEqual([]);
      expect(await r.dead()).toEqual([]);
      // GitLab resending the original delivery is still a duplicate.
      expect(
        await (await post(r.url, mrEvent('second-chance'), { idempotencyKey: 'k-second' })).json(),
      ).toMatchObject({
        duplicate: true,
      });
    } finally {
      await r.close();
    }
  });

  it('gives up after maxAgeMs and dead-letters with the last error', async () => {
    let calls = 0;
    const clock = createAutoClock();
    const r = await startReceiver({
      spoolDir: await spoolDir(),
      policy: { baseDelayMs: 20, maxDelayMs: 40, maxAgeMs: 300 },
      ...clock,
      handlers: {
        merge_request: {
          handle: async () => {
            calls++;
            throw new TemporaryError('GitLab answered 503');
          },
        },
      },
    });
    try {
      const t0 = clock.now();
      await post(r.url, mrEvent('too-long'));
      await r.receiver.idle();
      expect(clock.now() - t0).toBeGreaterThanOrEqual(300);
      // Retried (how often depends on the machine's speed), then dead-lettered.
      expect(calls).toBeGreaterThanOrEqual(2);
      const [file] = await r.dead();
      const letter = JSON.parse(await readFile(path.join(r.spoolDir, 'dead', file!), 'utf8')) as DeadLetter;
      expect(letter.error).toMatch(
        /^gave up after \d+ attempts over \d+ s: TemporaryError: GitLab answered 503$/,
      );
      expect(letter.attempts).toBe(calls);
    } finally {
      await r.close();
    }
  });

  it("waits at least a TemporaryError's retryAfterMs when it is longer than our own backoff", async () => {
    const at: number[] = [];
    const clock = createAutoClock();
    const r = await startReceiver({
      spoolDir: await spoolDir(),
      policy: { baseDelayMs: 5 },
      ...clock,
      handlers: {
        merge_request: {
          handle: async () => {
            at.push(clock.now());
            if (at.length === 1)
              throw new TemporaryError('429 Too Many Requests', { status: 429, retryAfterMs: 400 });
          },
        },
      },
    });
    try {
      await post(r.url, mrEvent('rate-limited'));
      await r.receiver.idle();
      expect(at).toHaveLength(2);
      expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(400);
    } finally {
      await r.close();
    }
  });

  it("retries after a TemporaryError's retryAfterMs when it is shorter than our own backoff", async () => {
    // The receiver's clock is the test's and stands still: only the 50 ms wait (plus at most 20 ms
    // of jitter: one base step) can be due after the clock moves 100 ms; our own backoff (at random
    // 0.9, 0.9 of 10 minutes) never would be.
    let now = Date.now();
    let attempts = 0;
    const r = await startReceiver({
      spoolDir: await spoolDir(),
      now: () => now,
      policy: { baseDelayMs: 20, maxDelayMs: 600_000 },
      random: () => 0.9,
      handlers: {
        merge_request: {
          handle: async () => {
            attempts++;
            if (attempts === 1)
              throw new TemporaryError('429 Too Many Requests', { status: 429, retryAfterMs: 50 });
          },
        },
      },
    });
    try {
      await post(r.url, mrEvent('rate-limited'));
      await waitFor(() => attempts === 1, 10_000, 'the first attempt');
      now += 100;
      await r.receiver.idle();
      expect(attempts).toBe(2);
    } finally {
      await r.close();
    }
  });

  it('keeps the events of one merge request in arrival order while another project goes ahead', async () => {
    const done: string[] = [];
    let failedOnce = false;
    const r = await startReceiver({
      spoolDir: await spoolDir(),
      concurrency: 4,
      policy: { baseDelayMs: 1_000 }, // 999 ms at random 0.999: p2 arrives long before the retry
      random: () => 0.999,
      handlers: {
        merge_request: {
          handle: async ({ payload }) => {
            const m = markerOf(payload);
            if (m === 'p1-open' && !failedOnce) {
              failedOnce = true;
              throw new TemporaryError('blip');
            }
            done.push(m);
          },
        },
      },
    });
    try {
      for (const [m, p] of [
        ['p1-open', 1],
        ['p1-merge', 1],
        ['p2-open', 2],
      ] as const) {
        expect((await post(r.url, mrEvent(m, p))).status).toBe(202);
      }
      await r.receiver.idle();
      expect(done).toEqual(['p2-open', 'p1-open', 'p1-merge']);
    } finally {
      await r.close();
    }
  });

  it('runs two merge requests of one project side by side: one blocked does not hold the other', async () => {
    const release = gate();
    const done: string[] = [];
    const r = await startReceiver({
      spoolDir: await spoolDir(),
      handlers: {
        merge_request: {
          handle: async ({ payload }) => {
            const m = markerOf(payload);
            if (m.startsWith('mr7')) await release.promise;
            done.push(m);
          },
        },
      },
    });
    try {
      for (const [m, iid] of [
        ['mr7-open', 7],
        ['mr7-update', 7],
        ['mr8-open', 8],
        ['mr8-update', 8],
      ] as const) {
        expect((await post(r.url, mrEvent(m, 1, iid))).status).toBe(202);
      }
      // MR 8 finishes while MR 7's first event is still in hand: same project, different order keys.
      await waitFor(() => done.length === 2, 10_000, "MR 8's events");
      expect(done).toEqual(['mr8-open', 'mr8-update']);
      release.open();
      await r.receiver.idle();
      expect(done).toEqual(['mr8-open', 'mr8-update', 'mr7-open', 'mr7-update']);
    } finally {
      release.open();
      await r.close();
    }
  });

  it('stop() finishes the event in hand and leaves the rest spooled; a new receiver processes them in order', async () => {
    const dir = await spoolDir();
    const release = gate();
    const firstRun: string[] = [];
    const r1 = await startReceiver({
      spoolDir: dir,
      concurrency: 1,
      handlers: {
        merge_request: {
          handle: async ({ payload }) => {
            firstRun.push(`start ${markerOf(payload)}`);
            await release.promise;
            firstRun.push(`end ${markerOf(payload)}`);
          },
        },
      },
    });
    for (const m of ['a', 'b', 'c']) expect((await post(r1.url, mrEvent(m))).status).toBe(202);
    await waitFor(() => firstRun.length === 1, 5000, 'first event in hand');
    const stopped = r1.receiver.stop();
    release.open();
    await stopped;
    await r1.close();
    expect(firstRun).toEqual(['start a', 'end a']);
    expect(await r1.spooled()).toHaveLength(2);

    const secondRun: string[] = [];
    const r2 = await startReceiver({
      spoolDir: dir,
      handlers: { merge_request: { handle: async ({ payload }) => void secondRun.push(markerOf(payload)) } },
    });
    try {
      await r2.receiver.idle();
      expect(secondRun).toEqual(['b', 'c']);
      expect(await r2.spooled()).toEqual([]);
    } finally {
      await r2.close();
    }
  });

  it('replays after a restart with the attempt count and the wait it had saved', async () => {
    const dir = await spoolDir();
    const r1 = await startReceiver({
      spoolDir: dir,
      policy: { baseDelayMs: 1_500 },
      random: () => 1,
      handlers: {
        merge_request: {
          handle: async () => {
            throw new TemporaryError('GitLab is down');
          },
        },
      },
    });
    await post(r1.url, mrEvent('survivor'));
    await waitFor(
      async () => (await readdir(dir)).some((n) => n.endsWith('.state.json')),
      5000,
      'retry state on disk',
    );
    await r1.close();
    const stoppedAt = Date.now();

    const seen: Array<{ attempt: number; at: number }> = [];
    const clock = createAutoClock();
    const r2 = await startReceiver({
      spoolDir: dir,
      ...clock,
      handlers: {
        merge_request: { handle: async ({ attempt }) => void seen.push({ attempt, at: clock.now() }) },
      },
    });
    try {
      await r2.receiver.idle();
      expect(seen.map((s) => s.attempt)).toEqual([2]);
      // The saved next attempt time (1.5 s after the failure) is respected, not skipped.
      expect(seen[0]!.at - stoppedAt).toBeGreaterThanOrEqual(1_000);
      expect(await r2.spooled()).toEqual([]);
    } finally {
      await r2.close();
    }
  });
});
