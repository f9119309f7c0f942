import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  gate,
  markerOf,
  metricValue,
  mrEvent,
  post,
  recordingHandlers,
  startReceiver,
  useSpoolDirs,
} from './support/start-receiver';

describe('Idempotency-Key de-duplication', () => {
  const spoolDir = useSpoolDirs();

  it('answers a repeated key 202 and processes it once, also while the first copy is still in hand', async () => {
    const release = gate();
    const handled: string[] = [];
    const r = await startReceiver({
      spoolDir: await spoolDir(),
      handlers: {
        merge_request: {
          handle: async ({ payload }) => {
            await release.promise;
            handled.push(markerOf(payload));
          },
        },
      },
    });
    try {
      const [a, b] = await Promise.all([
        post(r.url, mrEvent('once'), { idempotencyKey: 'same-key' }),
        post(r.url, mrEvent('once'), { idempotencyKey: 'same-key' }),
      ]);
      const bodies = [await a.json(), await b.json()] as Array<{ duplicate?: boolean }>;
      expect([a.status, b.status]).toEqual([202, 202]);
      expect(bodies.filter((x) => x.duplicate === true)).toHaveLength(1);
      const c = await post(r.url, mrEvent('once'), { idempotencyKey: 'same-key' });
      expect(await c.json()).toMatchObject({ duplicate: true });
      release.open();
      await r.receiver.idle();
      expect(handled).toEqual(['once']);
      expect(metricValue(await r.metrics(), 'gitlab_webhook_deliveries_total', { result: 'duplicate' })).toBe(
        2,
      );
    } finally {
      release.open();
      await r.close();
    }
  });

  it('remembers processed keys across a restart', async () => {
    const dir = await spoolDir();
    const handled: string[] = [];
    const handlers = recordingHandlers(handled);
    const r1 = await startReceiver({ spoolDir: dir, handlers });
    await post(r1.url, mrEvent('before'), { idempotencyKey: 'k-restart' });
    await r1.receiver.idle();
    await r1.close();

    const r2 = await startReceiver({ spoolDir: dir, handlers });
    try {
      const res = await post(r2.url, mrEvent('after'), { idempotencyKey: 'k-restart' });
      expect(res.status).toBe(202);
      expect(await res.json()).toMatchObject({ duplicate: true });
      await post(r2.url, mrEvent('new'), { idempotencyKey: 'k-other' });
      await r2.receiver.idle();
      expect(handled).toEqual(['before', 'new']);
    } finally {
      await r2.close();
    }
  });

  it('forgets keys after the retention window and prunes them from the log', async () => {
    const dir = await spoolDir();
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const handled: string[] = [];
    const handlers = recordingHandlers(handled);
    const opts = { spoolDir: dir, handlers, dedupeRetentionMs: 60_000, now: () => clock };
    const r1 = await startReceiver(opts);
    await post(r1.url, mrEvent('first'), { idempotencyKey: 'k-old' });
    await r1.receiver.idle();
    await r1.close();
    expect(await readFile(path.join(dir, 'deliveries.log'), 'utf8')).toContain('"k-old"');

    clock += 61_000;
    const r2 = await startReceiver(opts);
    try {
      expect(await readFile(path.join(dir, 'deliveries.log'), 'utf8')).not.toContain('"k-old"');
      const res = await post(r2.url, mrEvent('second'), { idempotencyKey: 'k-old' });
      expect(await res.json()).not.toHaveProperty('duplicate');
      await r2.receiver.idle();
      expect(handled).toEqual(['first', 'second']);
    } finally {
      await r2.close();
    }
  });

  it('does not de-duplicate deliveries without an Idempotency-Key (GitLab before 17.4): handlers are idempotent', async () => {
    const handled: string[] = [];
    const r = await startReceiver({
      spoolDir: await spoolDir(),
      handlers: { merge_request: { handle: async ({ payload }) => void handled.push(markerOf(payload)) } },
    });
    try {
      await post(r.url, mrEvent('no-key'), { uuid: 'same-event-uuid' });
      await post(r.url, mrEvent('no-key'), { uuid: 'same-event-uuid' });
      await r.receiver.idle();
      expect(handled).toEqual(['no-key', 'no-key']);
    } finally {
      await r.close();
    }
  });

  it('does not run again an event recorded as finished when a crash kept its spool file', async () => {
    const dir = await spoolDir();
    const handled: string[] = [];
    const handlers = recordingHandlers(handled);
    const r1 = await startReceiver({ spoolDir: dir, handlers, autoStart: false });
    await post(r1.url, mrEvent('finished'), { idempotencyKey: 'k-fin' });
    await post(r1.url, mrEvent('pending'), { idempotencyKey: 'k-pend' });
    const [id] = await r1.spooled();
    await r1.close();
    // The state right after "record finished" and before "remove the spool file".
    await appendFile(
      path.join(dir, 'deliveries.log'),
      `${JSON.stringify({ id, k: 'k-fin', t: Date.now(), o: 'processed' })}\n`,
    );

    const r2 = await startReceiver({ spoolDir: dir, handlers });
    try {
      await r2.receiver.idle();
      expect(handled).toEqual(['pending']);
      expect(await r2.spooled()).toEqual([]);
    } finally {
      await r2.close();
    }
  });

  it('survives a torn last line in the log (crash mid-append)', async () => {
    const dir = await spoolDir();
    const handled: string[] = [];
    const handlers = recordingHandlers(handled);
    const r1 = await startReceiver({ spoolDir: dir, handlers });
    await post(r1.url, mrEvent('one'), { idempotencyKey: 'k-1' });
    await r1.receiver.idle();
    await r1.close();
    await appendFile(path.join(dir, 'deliveries.log'), '{"id":"0000-torn","k":"k-to');

    const r2 = await startReceiver({ spoolDir: dir, handlers });
    try {
      expect(await (await post(r2.url, mrEvent('one'), { idempotencyKey: 'k-1' })).json()).toMatchObject({
        duplicate: true,
      });
      await post(r2.url, mrEvent('two'), { idempotencyKey: 'k-2' });
      await r2.receiver.idle();
      await r2.close();
      const lines = (await readFile(path.join(dir, 'deliveries.log'), 'utf8')).split('\n').filter(Boolean);
      expect(lines.map((l) => JSON.parse(l).k)).toEqual(['k-1', 'k-2']);
    } finally {
      await r2.close();
    }
  });

  it('[slow] 1,000 deliveries with 10% repeated keys: each distinct key processed exactly once', async () => {
    const counts = new Map<string, number>();
    const r = await startReceiver({
      spoolDir: await spoolDir(),
      handlers: {
        merge_request: {
          handle: async ({ payload }) => {
            const m = markerOf(payload);
            counts.set(m, (counts.get(m) ?? 0) + 1);
          },
        },
      },
    });
    try {
      const distinct = Array.from({ length: 900 }, (_, i) => `evt-${i}`);
      // 100 repeats of earlier keys, spread through the stream (some while the original is pending, some after)
      const deliveries = [...distinct];
      for (let i = 0; i < 100; i++) deliveries.splice(100 + i * 8, 0, distinct[(i * 7) % (100 + i * 8)]!);
      expect(deliveries).toHaveLength(1000);
      const statuses: number[] = [];
      let duplicates = 0;
      for (let i = 0; i < deliveries.length; i += 25) {
        const batch = deliveries.slice(i, i + 25);
        const results = await Promise.all(
          batch.map(async (m) => {
            const res = await post(r.url, mrEvent(m, (Number(m.slice(4)) % 5) + 1), {
              idempotencyKey: `key-${m}`,
            });
            return { status: res.status, body: (await res.json()) as { duplicate?: boolean } };
          }),
        );
        for (const x of results) {
          statuses.push(x.status);
          if (x.body.duplicate) duplicates++;
        }
      }
      await r.receiver.idle();
      expect(statuses.every((s) => s === 202)).toBe(true);
      expect(duplicates).toBe(100);
      expect([...counts.keys()].sort()).toEqual([...distinct].sort());
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect(await r.spooled()).toEqual([]);
    } finally {
      await r.close();
    }
  });
});
