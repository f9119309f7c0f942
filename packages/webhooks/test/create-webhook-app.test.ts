import { listen } from '@devops/http-service';
import { createWebhookApp } from '../src';
import { defineTestApp, testConfig } from './support/define-test-app';
import { tempDir } from '@devops/testkit';
import {
  captureLogger,
  metricValue,
  mrEvent,
  post,
  removeDir,
  unreachableGitLab,
} from './support/start-receiver';

describe('createWebhookApp', () => {
  it('serves /healthz, /metrics with the receiver metrics, the webhook route and the app routes, without listening itself', async () => {
    const { log } = captureLogger();
    const spoolDir = tempDir('webhooks');
    const handled: string[] = [];
    const definition = defineTestApp(
      'svc-test',
      { merge_request: { handle: async ({ deliveryId }) => void handled.push(deliveryId) } },
      (a) => a.get('/extra', (_req, res) => void res.json({ extra: true })),
    );
    const service = createWebhookApp(definition, {
      config: testConfig(spoolDir),
      log,
      gitlab: unreachableGitLab(log),
      defaultMetrics: false,
    });
    const { app, receiver } = service;
    const server = await listen(app, { port: 0, host: '127.0.0.1', log });
    try {
      await service.start();
      expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
      expect(await (await fetch(`${server.url}/extra`)).json()).toEqual({ extra: true });
      const res = await post(`${server.url}/webhooks/gitlab`, mrEvent('svc'), { uuid: 'svc-uuid-1' });
      expect(res.status).toBe(202);
      await receiver!.idle();
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
      await service.stop();
      await removeDir(spoolDir);
    }
  });

  it('has no receiver (POST /webhooks/gitlab is 404) when an optional secret is unset, and still serves its routes', async () => {
    const { log } = captureLogger();
    const definition = defineTestApp('svc-test', {}, (a) =>
      a.get('/extra', (_req, res) => void res.json({ extra: 1 })),
    );
    const config = { ...testConfig('/nonexistent/unused'), GITLAB_WEBHOOK_SECRET: undefined };
    const service = createWebhookApp(definition, {
      config,
      log,
      gitlab: unreachableGitLab(log),
      defaultMetrics: false,
    });
    expect(service.receiver).toBeNull();
    const server = await listen(service.app, { port: 0, host: '127.0.0.1', log });
    try {
      await service.start();
      expect((await post(`${server.url}/webhooks/gitlab`, mrEvent('x'))).status).toBe(404);
      expect(await (await fetch(`${server.url}/extra`)).json()).toEqual({ extra: 1 });
    } finally {
      await server.close();
      await service.stop();
    }
  });
});
