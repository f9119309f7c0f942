import { randomUUID } from 'node:crypto';
import express, { type Express, type Request } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from '@devops/logger';

/** The shared HTTP base of a service (createServiceApp); an app's createApp builds its ServiceApp on it. */
export interface ServiceBase {
  app: Express;
  /** This app's own metrics registry: add counters here, they appear on /metrics. */
  registry: Registry;
}

export interface RequestWithLog extends Request {
  log: Logger;
  id: string;
}

/**
 * An express app with what every HTTP service shares: request ids and a child
 * logger per request, request count and duration metrics, `GET /healthz` and
 * `GET /metrics`. Each call makes its own registry (no global state).
 */
export function createServiceApp(opts: {
  service: string;
  log: Logger;
  defaultMetrics?: boolean;
  /**
   * The state of what the service depends on, shown in the /healthz body (e.g.
   * `{database: 'down'}`); `degraded: true` makes `status` "degraded". /healthz
   * still answers 200: the process is alive and says what is wrong.
   */
  health?: () => Promise<Record<string, unknown> & { degraded?: boolean }>;
}): ServiceBase {
  const registry = new Registry();
  registry.setDefaultLabels({ service: opts.service });
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.use((req, res, next) => {
    const header = req.get('x-request-id');
    const id = header && /^[\w.:-]{1,128}$/.test(header) ? header : randomUUID();
    const r = req as RequestWithLog;
    r.id = id;
    r.log = opts.log.child({ requestId: id });
    res.setHeader('X-Request-Id', id);
    const end = durations.startTimer();
    res.on('finish', () => {
      // Route patterns, not raw paths, keep the label set small.
      const pattern = req.route?.path as string | undefined;
      const route = pattern === undefined ? 'unmatched' : `${req.baseUrl ?? ''}${pattern}`;
      const labels = { method: req.method, route, status: String(res.statusCode) };
      requests.inc(labels);
      end(labels);
    });
    next();
  });

  app.get('/healthz', async (_req, res) => {
    if (!opts.health) {
      res.json({ status: 'ok' });
      return;
    }
    const { degraded, ...state } = await opts.health().catch((err: unknown) => ({
      degraded: true,
      error: err instanceof Error ? err.message : String(err),
    }));
    res.json({ status: degraded ? 'degraded' : 'ok', ...state });
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  });

  return { app, registry };
}

/** The request's child logger (set by createServiceApp). */
export function requestLog(req: Request): Logger {
  return (req as RequestWithLog).log;
}
