import { attachCatchUp, RECONCILE_USAGE } from '@devops/catch-up';
import type { ConfigOf } from '@devops/config';
import type { Express } from 'express';
import { createFreshdesk, type FreshdeskPort } from '@devops/freshdesk';
import { createMasker } from '@devops/logger';
import { createWebhookApp, defineWebhookApp, type WebhookApp, type WebhookAppDeps } from '@devops/webhooks';
import { settings } from './config';
import { createBridgeMetrics } from './metrics/create-bridge-metrics';
import { createLookupCache } from './escalate/create-lookup-cache';
import { createNotePacer } from './copy/create-note-pacer';
import { createTicketLocks } from './records/create-ticket-locks';
import { openDatabaseEscalations } from './records/open-database-escalations';
import type { EscalationDeps } from './escalate/escalate-ticket';
import { allowFreshdeskOrigin } from './http/allow-freshdesk-origin';
import { createEscalationRouter } from './http/create-escalation-router';
import { serveUserscript } from './http/serve-userscript';
import { handleIssueEvent } from './webhook/handle-issue-event';
import { createTicketSource, ticketChangeKeys } from './catch-up/create-ticket-source';

export type BridgeConfig = ConfigOf<typeof settings>;

/** The Freshdesk port's writes (a catch-up dry run withholds them). */
const FRESHDESK_WRITES = ['addPrivateNote', 'updateTicket'] as const;

/** What the bridge needs besides GitLab (production: connect(); tests pass their own). */
interface BridgeClients {
  freshdesk: FreshdeskPort;
  /** Note creation pace (default 60 a minute after a burst of 60, like gitlab.com's notes limit). */
  notePacing?: { perMinute: number; burst: number };
  /** How long an issue's state is reused by GET /escalations/:ticketId (default 30 s). */
  lookupTtlMs?: number;
  /** Clock in ms (default Date.now), as the webhook worker gets it. */
  now?: () => number;
}

export type AppDeps = WebhookAppDeps<typeof settings> & BridgeClients;
export type BridgeApp = WebhookApp;

/**
 * Escalations wait out rate limits rather than fail: gitlab.com's notes limit
 * is about 60 a minute and Freshdesk's limits are per account, so both
 * clients get a long retry budget and honour Retry-After up to 5 minutes.
 */
const PATIENT_RETRY = { retries: 10, baseDelayMs: 1_000, maxDelayMs: 60_000, maxRetryAfterMs: 300_000 };

/**
 * The bridge, whole: /healthz, /metrics, CORS for the Freshdesk origin, POST
 * and GET /escalations, GET /userscript.user.js and, with a webhook secret,
 * POST /webhooks/gitlab (Issue Hook: a private note on the ticket).
 */
export const freshdeskBridge = defineWebhookApp<typeof settings, BridgeClients>({
  name: 'freshdesk-bridge',
  summary:
    'escalates a Freshdesk ticket, with every conversation and attachment, into one GitLab issue, linked both ways.',
  settings,
  commandUsage: [RECONCILE_USAGE],
  gitlabRetry: PATIENT_RETRY,
  connect: ({ config, log }) => ({
    freshdesk: createFreshdesk({
      url: config.FRESHDESK_URL,
      apiKey: config.FRESHDESK_API_KEY,
      log,
      retry: PATIENT_RETRY,
    }),
  }),
  setup(deps) {
    const { config, log, registry } = deps;
    const metrics = createBridgeMetrics(registry);
    const mask = createMasker([...deps.secrets, ...config.BRIDGE_API_KEYS]);
    // with DATABASE_URL: escalations recorded in PostgreSQL, locked across replicas; else in-process locks
    const database = config.DATABASE_URL
      ? openDatabaseEscalations({ url: config.DATABASE_URL, log })
      : undefined;
    const lookups = createLookupCache({ ttlMs: deps.lookupTtlMs ?? 30_000, now: deps.now ?? Date.now });

    const escalation: EscalationDeps = {
      gitlab: deps.gitlab,
      freshdesk: deps.freshdesk,
      project: config.BRIDGE_GITLAB_PROJECT,
      freshdeskUrl: config.FRESHDESK_URL,
      labels: config.BRIDGE_LABELS,
      linkField: config.BRIDGE_LINK_FIELD,
      maxAttachmentBytes: config.BRIDGE_MAX_ATTACHMENT_BYTES,
      allowPrivateHosts: config.BRIDGE_ALLOW_PRIVATE_HOSTS,
      locks: database?.locks ?? createTicketLocks(),
      ...(database ? { records: database.records } : {}),
      pacer: createNotePacer(deps.notePacing ?? { perMinute: 60, burst: 60 }),
      metrics,
      log,
    };

    const issueHandler = (freshdesk: FreshdeskPort) =>
      handleIssueEvent({ freshdesk, project: config.BRIDGE_GITLAB_PROJECT, metrics });
    // Catch-up only matters where the Issue Hook is on: with a webhook secret.
    const parts = {
      handlers: { issue: issueHandler(deps.freshdesk) },
      routes(app: Express) {
        app.get('/userscript.user.js', serveUserscript(config.BRIDGE_PUBLIC_URL, config.FRESHDESK_URL));
        app.use('/escalations', allowFreshdeskOrigin(config.FRESHDESK_URL));
        app.use(createEscalationRouter({ escalation, apiKeys: config.BRIDGE_API_KEYS, mask, lookups }));
      },
      ...(database ? { start: () => database.start(), stop: () => database.stop() } : {}),
    };
    if (!config.GITLAB_WEBHOOK_SECRET) return parts;
    return attachCatchUp(
      { app: 'freshdesk-bridge', config, gitlab: deps.gitlab, log, registry, signal: deps.signal },
      parts,
      {
        source: createTicketSource({
          project: config.BRIDGE_GITLAB_PROJECT,
          labels: config.BRIDGE_LABELS,
          handlerFor: (ports) => issueHandler(ports.track(deps.freshdesk, FRESHDESK_WRITES)),
        }),
        keys: ticketChangeKeys,
      },
    );
  },
});

/** The bridge's HTTP side, not listening: start() starts the webhook worker (replays its queue). */
export function createApp(deps: AppDeps): BridgeApp {
  return createWebhookApp(freshdeskBridge, deps);
}
