import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Express } from 'express';
import { loadConfig, type ConfigOf, type Schema } from '@devops/config';
import { createGitLab, type GitLabPort } from '@devops/gitlab';
import { listen } from '@devops/http-service';
import { createLogger, type Logger } from '@devops/logger';
import { startGitLabDouble, type GitLabDouble } from '@devops/testkit';

export const HARNESS_SECRET = 'hook-secret-4f1c9e';

/** What an app's createApp returns (a ServiceApp with its webhook receiver). */
interface WebhookAppLike {
  app: Express;
  start(): Promise<void>;
  stop(): Promise<void>;
  receiver: { idle(): Promise<void> } | null;
}

export interface WebhookAppDeps<S extends Schema> {
  config: ConfigOf<S>;
  log: Logger;
  gitlab: GitLabPort;
  retry: { baseDelayMs: number; maxDelayMs: number };
  defaultMetrics: boolean;
}

export interface WebhookAppHarness {
  gitlab: GitLabDouble;
  /** The production client pointed at the double. */
  port: GitLabPort;
  url: string;
  /** Every log line the app wrote, parsed. */
  logLines: Record<string, unknown>[];
  /** POSTs a webhook (default a Merge Request Hook) through the receiver and waits until it is processed. */
  deliver(
    payload: unknown,
    opts?: { token?: string; idempotencyKey?: string; event?: string },
  ): Promise<Response>;
  close(): Promise<void>;
}

/**
 * A webhook app in this process, listening on loopback, its receiver started,
 * talking to a fresh GitLab double through the real client: what the app
 * tests drive with GitLab's real payloads.
 */
export async function startWebhookApp<S extends Schema>(opts: {
  service: string;
  settings: S;
  createApp(deps: WebhookAppDeps<S>): WebhookAppLike;
  env?: Record<string, string>;
}): Promise<WebhookAppHarness> {
  const gitlab = await startGitLabDouble();
  const spoolDir = await mkdtemp(join(tmpdir(), `${opts.service}-spool-`));
  const logLines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  const config = loadConfig(opts.settings, {
    GITLAB_URL: gitlab.url,
    GITLAB_TOKEN: gitlab.token,
    GITLAB_WEBHOOK_SECRET: HARNESS_SECRET,
    WEBHOOK_SPOOL_DIR: spoolDir,
    // Catch-up passes off unless a test asks for them: a test's outcome is its deliveries'.
    RECONCILE_INTERVAL: '0',
    ...opts.env,
  });
  const log = createLogger({
    service: opts.service,
    level: 'debug',
    stream,
    secrets: [HARNESS_SECRET, gitlab.token],
  });
  const port = createGitLab({
    url: gitlab.url,
    token: gitlab.token,
    log,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
  const service = opts.createApp({
    config,
    log,
    gitlab: port,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    defaultMetrics: false,
  });
  const { receiver } = service;
  if (!receiver) throw new Error(`${opts.service}: no webhook receiver (is GITLAB_WEBHOOK_SECRET set?)`);
  const server = await listen(service.app, { port: 0, host: '127.0.0.1', log, graceMs: 1000 });
  await service.start();

  return {
    gitlab,
    port,
    url: server.url,
    logLines,
    async deliver(payload, d = {}) {
      const res = await gitlab.sendWebhook(`${server.url}/webhooks/gitlab`, {
        event: d.event ?? 'Merge Request Hook',
        token: d.token ?? HARNESS_SECRET,
        payload,
        ...(d.idempotencyKey ? { idempotencyKey: d.idempotencyKey } : {}),
      });
      await receiver.idle();
      return res;
    },
    async close() {
      await server.close();
      await service.stop();
      await gitlab.close();
      await rm(spoolDir, { recursive: true, force: true });
    },
  };
}
