import { serveUntilSignalled } from '@devops/http-service';
import { createWebhookService, type WebhookServiceOptions } from './create-webhook-service';

export interface RunWebhookServiceOptions extends WebhookServiceOptions {
  config: WebhookServiceOptions['config'] & { PORT?: number; HOST?: string };
  /** Default: config.PORT. */
  port?: number;
  /** Default: config.HOST, else 0.0.0.0. */
  host?: string;
}

/**
 * A webhook app's whole run(): builds the service, replays the spool, starts
 * the worker, listens, and on SIGTERM/SIGINT stops accepting, finishes the
 * event in hand and leaves the rest spooled. Resolves once stopped.
 *
 *   startMain({ ..., run: ({ config, log }) =>
 *     runWebhookService({ name: 'board-sync', config, log, gitlab, handlers }) })
 */
export async function runWebhookService(opts: RunWebhookServiceOptions): Promise<void> {
  const port = opts.port ?? opts.config.PORT;
  if (port === undefined) throw new Error('runWebhookService: no port (set PORT)');
  const { app, receiver } = createWebhookService(opts);
  await receiver.start();
  await serveUntilSignalled(app, {
    service: opts.name,
    port,
    host: opts.host ?? opts.config.HOST ?? '0.0.0.0',
    log: opts.log,
    onDrain: () => receiver.stop(),
  });
}
