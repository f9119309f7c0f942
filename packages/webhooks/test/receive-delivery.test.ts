import { waitFor } from '@devops/testkit';
import {
  SECRET,
  gate,
  markerOf,
  metricValue,
  mrEvent,
  post,
  removeDir,
  startReceiver,
  type TestReceiver,
} from './support/start-receiver';
import type { WebhookPayload } from '../src';

describe('POST /webhooks/gitlab: the front door', () => {
  let r: TestReceiver;
  let handled: WebhookPayload[];

  beforeEach(async () => {
    handled = [];
    r = await startReceiver({
      handlers: {
        merge_request: {
          ignore: (p) =>
            (p.object_attributes as { action?: string })?.action === 'approved'
              ? 'approvals do not move the board'
              : undefined,
          handle: async ({ payload }) => {
            handled.push(payload);
          },
        },
      },
    });
  });
  afterEach(async () => {
    await r.close();
    await removeDir(r.spoolDir);
  });

  it.each([
    ['a wrong token', 'not-the-secret'],
    ['a token that is the secret plus one character', `${SECRET}x`],
    ['an empty token', ''],
    ['no token', null],
  ])('answers 401 to %s, spools and logs nothing of it', async (_what, token) => {
    const res = await post(r.url, mrEvent('unauthorised'), { token });
    expect(res.status).toBe(401);
    const body = await res.text();
    await r.receiver.idle();
    expect(await r.spooled()).toEqual([]);
    expect(handled).toEqual([]);
    if (token) {
      expect(body).not.toContain(token);
      expect(r.lines.join('\n')).not.toContain(token);
    }
    expect(r.lines.join('\n')).not.toContain(SECRET);
    expect(
      metricValue(await r.metrics(), 'gitlab_webhook_deliveries_total', { result: 'unauthorized' }),
    ).toBe(1);
  });

  it('[slow] checks the token before reading the body: 26 MB with a wrong token is 401, not 413', async () => {
    const filler = 'x'.repeat(26 * 1024 * 1024);
    const res = await post(r.url, undefined, {
      token: 'wrong',
      body: `{"object_kind":"merge_request","f":"${filler}"}`,
    });
    expect(res.status).toBe(401);
    expect(await r.spooled()).toEqual([]);
  });

  it('answers 400 to a body that is not JSON and spools nothing', async () => {
    const res = await post(r.url, undefined, { body: '{"object_kind": "merge_request", oops' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'body is not JSON' });
    expect(await r.spooled()).toEqual([]);
    expect(metricValue(await r.metrics(), 'gitlab_webhook_deliveries_total', { result: 'invalid' })).toBe(1);
  });

  it('answers 400 to an empty body', async () => {
    const res = await post(r.url, undefined, { body: '' });
    expect(res.status).toBe(400);
    expect(await r.spooled()).toEqual([]);
  });

  it('[slow] answers 413 to a 26 MB body and spools nothing', async () => {
    const filler = 'x'.repeat(26 * 1024 * 1024);
    const res = await post(r.url, undefined, {
      body: `{"object_kind":"merge_request","filler":"${filler}"}`,
    });
    expect(res.status).toBe(413);
    expect(await r.spooled()).toEqual([]);
    expect(handled).toEqual([]);
  });

  it('[slow] accepts a body just under 25 MB', async () => {
    const payload = { ...mrEvent('big'), filler: 'y'.repeat(25 * 1024 * 1024 - 1024) };
    const res = await post(r.url, payload);
    expect(res.status).toBe(202);
    await r.receiver.idle();
    expect(handled.map(markerOf)).toEqual(['big']);
    expect((handled[0]!.filler as string).length).toBe(payload.filler.length);
  });

  it('answers 200 {ignored} to an object_kind without a handler', async () => {
    const res = await post(
      r.url,
      { object_kind: 'pipeline', project: { id: 1 } },
      { event: 'Pipeline Hook' },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ignored: 'no handler for object_kind "pipeline"' });
    expect(await r.spooled()).toEqual([]);
    expect(
      metricValue(await r.metrics(), 'gitlab_webhook_deliveries_total', {
        event: 'Pipeline Hook',
        result: 'ignored',
      }),
    ).toBe(1);
  });

  it.each([
    ['a JSON array', '[1,2]', 'payload is not a JSON object'],
    ['JSON without object_kind', '{"event_name":"user_add_to_group"}', 'payload has no object_kind'],
  ])('answers 200 {ignored} to %s', async (_what, body, why) => {
    const res = await post(r.url, undefined, { body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ignored: why });
  });

  it("answers 200 {ignored} with the handler's own reason", async () => {
    const payload = mrEvent('approval');
    (payload.object_attributes as Record<string, unknown>).action = 'approved';
    const res = await post(r.url, payload);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ignored: 'approvals do not move the board' });
    await r.receiver.idle();
    expect(handled).toEqual([]);
    expect(await r.spooled()).toEqual([]);
  });

  it('answers 202 {accepted: X-Gitlab-Event-UUID} and hands the payload to the handler', async () => {
    const res = await post(r.url, mrEvent('hello'), { uuid: 'c1d2e3f4-0000-4000-8000-000000000001' });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 'c1d2e3f4-0000-4000-8000-000000000001' });
    await r.receiver.idle();
    expect(handled).toEqual([mrEvent('hello')]);
    expect(await r.spooled()).toEqual([]);
    const text = await r.metrics();
    expect(
      metricValue(text, 'gitlab_webhook_deliveries_total', {
        event: 'Merge Request Hook',
        result: 'accepted',
      }),
    ).toBe(1);
    expect(metricValue(text, 'gitlab_webhook_events_processed_total', { object_kind: 'merge_request' })).toBe(
      1,
    );
    expect(metricValue(text, 'gitlab_webhook_spool_depth')).toBe(0);
    expect(
      metricValue(text, 'gitlab_webhook_handler_duration_seconds_count', {
        object_kind: 'merge_request',
        outcome: 'ok',
      }),
    ).toBe(1);
  });

  it('labels unknown X-Gitlab-Event values "other" (no label per attacker-chosen header)', async () => {
    await post(r.url, mrEvent('x'), { token: 'wrong', event: 'Evil Hook 123' });
    expect(
      metricValue(await r.metrics(), 'gitlab_webhook_deliveries_total', {
        event: 'other',
        result: 'unauthorized',
      }),
    ).toBe(1);
  });
});

describe('the spool write happens before the answer', () => {
  it('has the event on disk, fsynced and whole, when the 202 arrives (handler still blocked)', async () => {
    const release = gate();
    const started: string[] = [];
    const r = await startReceiver({
      handlers: {
        merge_request: {
          handle: async ({ payload }) => {
            started.push(markerOf(payload));
            await release.promise;
          },
        },
      },
    });
    try {
      const res = await post(r.url, mrEvent('durable'), { idempotencyKey: 'key-durable' });
      expect(res.status).toBe(202);
      // At the moment of the answer the event is on disk, with the delivery in it.
      const events = await r.stored();
      expect(events).toHaveLength(1);
      const stored = events[0]!;
      expect(stored.payload).toEqual(mrEvent('durable'));
      expect(stored.meta).toMatchObject({
        idempotencyKey: 'key-durable',
        objectKind: 'merge_request',
        event: 'Merge Request Hook',
      });
      await waitFor(() => started.length === 1, 10_000, 'the handler to start');
      expect(await r.spooled()).toHaveLength(1); // still there while the handler works
      release.open();
      await r.receiver.idle();
      expect(started).toEqual(['durable']);
      expect(await r.spooled()).toEqual([]);
    } finally {
      release.open();
      await r.close();
      await removeDir(r.spoolDir);
    }
  });

  it('answers 503 and keeps nothing half-written when the spool cannot be written', async () => {
    const r = await startReceiver({ handlers: { merge_request: { handle: async () => undefined } } });
    try {
      await removeDir(r.spoolDir); // the directory vanishes under the running service
      const res = await post(r.url, mrEvent('lost'), { idempotencyKey: 'k-503' });
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: 'the event could not be stored; please resend it' });
      expect(metricValue(await r.metrics(), 'gitlab_webhook_deliveries_total', { result: 'error' })).toBe(1);
    } finally {
      await r.close();
      await removeDir(r.spoolDir);
    }
  });
});
