import { PassThrough } from 'node:stream';
import { createLogger } from '@devops/logger';
import { createServiceApp, listen } from '../src';

describe('createServiceApp', () => {
  it('serves /healthz and counts requests in /metrics', async () => {
    const log = createLogger({ service: 't', stream: new PassThrough() });
    const { app } = createServiceApp({ service: 'demo', log, defaultMetrics: false });
    const server = await listen(app, { port: 0, host: '127.0.0.1', log });
    try {
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
      expect(health.headers.get('x-request-id')).toBeTruthy();
      await fetch(`${server.url}/nope`);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(
        /http_requests_total\{method="GET",route="\/healthz",status="200",service="demo"\} 1/,
      );
      expect(metrics).toMatch(
        /http_requests_total\{method="GET",route="unmatched",status="404",service="demo"\} 1/,
      );
      expect(metrics).toContain('http_request_duration_seconds_bucket');
    } finally {
      await server.close();
    }
  });
});
