import type { Express } from 'express';
import type { Registry } from 'prom-client';
import type { ConfigOf } from '@devops/config';
import type { FreshdeskPort } from '@devops/freshdesk';
import type { GitLabPort } from '@devops/gitlab';
import { createServiceApp } from '@devops/http-service';
import { createMasker, type Logger } from '@devops/logger';
import { createWebhookReceiver, type WebhookReceiver, type WebhookReceiverOptions } from '@devops/webhooks';
import type { settings } from './config';
import { createBridgeMetrics } from './escalation/create-bridge-metrics';
import { createLookupCache } from './escalation/create-lookup-cache';
import { createNotePacer } from './escalation/create-note-pacer';
import { createTicketLocks } from './escalation/create-ticket-locks';
import type { EscalationDeps } from './escalation/escalate-ticket';
import { allowFreshdeskOrigin } from './http/allow-freshdesk-origin';
import { createEscalationRouter } from './http/create-escalation-router';
import { serveUserscript } from './http/serve-userscript';
import { handleIssueEvent } from './webhook/handle-issue-event';

export type BridgeConfig = Pick<
  ConfigOf<typeof settings>,
  | 'FRESHDESK_URL'
  | 'BRIDGE_GITLAB_PROJECT'
  | 'BRIDGE_API_KEYS'
  | 'BRIDGE_PUBLIC_URL'
  | 'BRIDGE_LABELS'
  | 'BRIDGE_LINK_FIELD'
  | 'BRIDGE_MAX_ATTACHMENT_BYTES'
  | 'BRIDGE_ALLOW_PRIVATE_HOSTS'
  | 'GITLAB_WEBHOOK_SECRET'
  | 'WEBHOOK_SPOOL_DIR'
>;

export interface AppDeps {
  config: BridgeConfig;
  log: Logger;
  gitlab: GitLabPort;
  freshdesk: FreshdeskPort;
  /** Every secret value (tokens, keys): scrubbed from response bodies too. */
  secrets?: string[];
  /** Note creation pace (default 60 a minute after a burst of 60, like gitlab.com's notes limit). */
  notePacing?: { perMinute: number; burst: number };
  webhookRetry?: WebhookReceiverOptions['retry'];
  defaultMetrics?: boolean;
  /** Clock in ms (default Date.now): how long GET /escalations/:ticketId answers are reused. */
  now?: () => number;
  /** How long an issue's state is reused by GET /escalations/:ticketId (default 30 s). */
  lookupTtlMs?: number;
}

export interface BridgeApp {
  app: Express;
  registry: Registry;
  /** The issue webhook receiver, when GITLAB_WEBHOOK_SECRET is set. */
  receiver: WebhookReceiver | null;
  /** Starts the webhook worker (replays its spool). */
  start(): Promise<void>;
  /** Finishes the webhook event in hand. */
  stop(): Promise<void>;
}

/**
 * The bridge's HTTP side, not listening: /healthz, /metrics, CORS for the
 * Freshdesk origin, POST and GET /escalations, GET /userscript.user.js and,
 * with a webhook secret, POST /webhooks/gitlab.
 */
export function createApp(deps: AppDeps): BridgeApp {
  const { config, log } = deps;
  const { app, registry } = createServiceApp({
    service: 'freshdesk-bridge',
    log,
    ...(deps.defaultMetrics === undefined ? {} : { defaultMetrics: deps.defaultMetrics }),
  });
  const metrics = createBridgeMetrics(registry);
  const secrets = [...(deps.secrets ?? []), ...config.BRIDGE_API_KEYS];
  const mask = createMasker(secrets);

  const escalation: EscalationDeps = {
    gitlab: deps.gitlab,
    freshdesk: deps.freshdesk,
    project: config.BRIDGE_GITLAB_PROJECT,
    freshdeskUrl: config.FRESHDESK_URL,
    labels: config.BRIDGE_LABELS,
    linkField: config.BRIDGE_LINK_FIELD,
    maxAttachmentBytes: config.BRIDGE_MAX_ATTACHMENT_BYTES,
    allowPrivateHosts: config.BRIDGE_ALLOW_PRIVATE_HOSTS,
    locks: createTicketLocks(),
    pacer: createNotePacer(deps.notePacing ?? { perMinute: 60, burst: 60 }),
    metrics,
    log,
  };

  let receiver: WebhookReceiver | null = null;
  if (config.GITLAB_WEBHOOK_SECRET) {
    receiver = createWebhookReceiver({
      app: 'freshdesk-bridge',
      secret: config.GITLAB_WEBHOOK_SECRET,
      spoolDir: config.WEBHOOK_SPOOL_DIR,
      gitlab: deps.gitlab,
      log,
      registry,
      secrets,
      handlers: {
        issue: handleIssueEvent({
          freshdesk: deps.freshdesk,
          project: config.BRIDGE_GITLAB_PROJECT,
          metrics,
        }),
      },
      ...(deps.webhookRetry ? { retry: deps.webhookRetry } : {}),
    });
    app.use(receiver.router);
  }

  app.get('/userscript.user.js', serveUserscript(config.BRIDGE_PUBLIC_URL, config.FRESHDESK_URL));
  app.use('/escalations', allowFreshdeskOrigin(config.FRESHDESK_URL));
  const lookups = createLookupCache({ ttlMs: deps.lookupTtlMs ?? 30_000, now: deps.now ?? Date.now });
  app.use(createEscalationRouter({ escalation, apiKeys: config.BRIDGE_API_KEYS, mask, lookups }));

  return {
    app,
    registry,
    receiver,
    start: async () => {
      await receiver?.start();
    },
    stop: async () => {
      await receiver?.stop();
    },
  };
}
