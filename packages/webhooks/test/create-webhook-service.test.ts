import { listen } from '@devops/http-service';
import { createWebhookService } from '../src';
import {
  SECRET,
  captureLogger,
  metricValue,
  mrEvent,
  post,
  removeDir,
  tempDir,
  unreachableGitLab,
} from './support/start-receiver';

describe('createWebhookService', () => {
  it('serves /healthz, /metrics with the receiver metrics, the webhook route and the app routes, without listening itself', async () => {
    const { log } = captureLogger();
    const spoolDir = await tempDir();
    const handled: string[] = [];
    const { app, receiver } = createWebhookService({
      name: 'svc-test',
      config: { GITLAB_WEBHOOK_SECRET: SECRET, WEBHOOK_SPOOL_DIR: spoolDir },
      log,
      gitlab: unreachableGitLab(log),
      defaultMetrics: false,
      handlers: { merge_request: { handle: async ({ deliveryId }) => void handled.push(deliveryId) } },
      routes: (a) => a.get('/extra', (_req, res) => void res.json({ extra: true })),
    });
    const server = await listen(app, { port: 0, host: '127.0.0.1', log });
    try {
      await receiver.start();
      expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
      expect(await (await fetch(`${server.url}/extra`)).json()).toEqual({ extra: true });
      const res = await post(`${server.url}/webhooks/gitlab`, mrEvent('svc'), { uuid: 'svc-uuid-1' });
      expect(res.status).toBe(202);
      await receiver.idle();
      expect(handled).toEqual(['svc-uuid-1']);
      const text = await (await fetch(`${server.url}/metrics`)).text();
      expect(
        metricValue(text, 'gitlab_webhook_deliveries_total', {
          service: 'svc-test',
          event: 'Merge Request Hook',
          result: 'accepted',
        }),
      ).toBe(1);
      expect(
        metricValue(text, 'gitlab_webhook_events_processed_total', { object_kind: 'merge_request' }),
      ).toBe(1);
      expect(metricValue(text, 'gitlab_webhook_spool_depth')).toBe(0);
      expect(metricValue(text, 'gitlab_webhook_dead_letters')).toBe(0);
      expect(text).toContain('gitlab_webhook_handler_duration_seconds_bucket');
    } finally {
      await server.close();
      await receiver.stop();
      await removeDir(spoolDir);
    }
  });

  it('refuses an empty secret', () => {
    const { log } = captureLogger();
    expect(() =>
      createWebhookService({
        name: 'svc-test',
        config: { GITLAB_WEBHOOK_SECRET: '', WEBHOOK_SPOOL_DIR: '/tmp/unused' },
        log,
        gitlab: unreachableGitLab(log),
        handlers: {},
      }),
    ).toThrow('the webhook secret is empty: set GITLAB_WEBHOOK_SECRET');
  });
});
