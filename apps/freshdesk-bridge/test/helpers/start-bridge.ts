import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createFreshdesk, type ResolveHost } from '@devops/freshdesk';
import type { RetryOptions } from '@devops/failures';
import { createGitLab } from '@devops/gitlab';
import { createLogger } from '@devops/logger';
import {
  startFreshdeskDouble,
  startGitLabDouble,
  type FreshdeskDouble,
  type GitLabDouble,
} from '@devops/testkit';
import { createApp, type BridgeApp, type BridgeConfig } from '../../src/app';

export const API_KEY = 'bridge-key-0123456789abcdef';

export interface Bridge {
  url: string;
  gitlab: GitLabDouble;
  freshdesk: FreshdeskDouble;
  project: { id: number; path: string };
  bridge: BridgeApp;
  config: BridgeConfig;
  /** Every log line the bridge and its clients wrote. */
  logs: string[];
  escalate(
    ticketId: number | string,
    opts?: { dryRun?: boolean; key?: string; origin?: string },
  ): Promise<Response>;
  /** Notes on the issue, in order. */
  notes(iid: number): Array<{ body: string; internal: boolean }>;
  close(): Promise<void>;
}

export interface StartOptions {
  config?: Partial<BridgeConfig>;
  /** The origin Freshdesk agents browse (CORS, ticket links); default: the double's URL. */
  freshdeskUrl?: string;
  gitlabRetry?: RetryOptions;
  /** How the Freshdesk client resolves attachment hosts (default: the system resolver). */
  resolveHost?: ResolveHost;
  freshdeskRetry?: RetryOptions;
  notePacing?: { perMinute: number; burst: number };
  gitlabDouble?: GitLabDouble;
  freshdeskDouble?: FreshdeskDouble;
  /** A project already in the GitLab double (a second replica of the same bridge); default: a new one. */
  project?: { id: number; path: string };
  /** The bridge's clock (GET /escalations/:ticketId caching). */
  now?: () => number;
}

/**
 * The real bridge app, listening on loopback, over the real GitLab and
 * Freshdesk clients pointed at the test doubles.
 */
export async function startBridge(opts: StartOptions = {}): Promise<Bridge> {
  const gitlab = opts.gitlabDouble ?? (await startGitLabDouble());
  const freshdesk = opts.freshdeskDouble ?? (await startFreshdeskDouble());
  const project = opts.project ?? gitlab.addProject({ path: 'support/escalations' });
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const secrets = [gitlab.token, freshdesk.apiKey, API_KEY];
  const log = createLogger({ service: 'freshdesk-bridge', level: 'debug', secrets, stream });
  const spool = mkdtempSync(path.join(os.tmpdir(), 'bridge-spool-'));
  // listen first, so BRIDGE_PUBLIC_URL (in the userscript) is the real address
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config: BridgeConfig = {
    PORT: 0,
    HOST: '127.0.0.1',
    SHUTDOWN_DELAY: 0,
    GITLAB_URL: gitlab.url,
    GITLAB_TOKEN: gitlab.token,
    FRESHDESK_API_KEY: freshdesk.apiKey,
    WEBHOOK_HOLD_MAX: 900,
    WEBHOOK_CONCURRENCY: 8,
    FRESHDESK_URL: opts.freshdeskUrl ?? freshdesk.url,
    BRIDGE_GITLAB_PROJECT: project.path,
    BRIDGE_API_KEYS: ['another-key-for-team-b', API_KEY],
    BRIDGE_PUBLIC_URL: url,
    BRIDGE_LABELS: ['freshdesk', 'support'],
    BRIDGE_LINK_FIELD: undefined,
    BRIDGE_MAX_ATTACHMENT_BYTES: 100 * 1024 ** 2,
    // the Freshdesk double serves attachments over plain http on loopback
    BRIDGE_ALLOW_PRIVATE_HOSTS: true,
    GITLAB_WEBHOOK_SECRET: undefined,
    WEBHOOK_SPOOL_DIR: spool,
    DATABASE_URL: undefined,
    RECONCILE_INTERVAL: 0,
    RECONCILE_SCOPE: [],
    RECONCILE_LOOKBACK: 86_400,
    ...opts.config,
  };
  const bridge = createApp({
    config,
    log,
    secrets,
    defaultMetrics: false,
    gitlab: createGitLab({
      url: gitlab.url,
      token: gitlab.token,
      log,
      retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 50, ...opts.gitlabRetry },
    }),
    freshdesk: createFreshdesk({
      url: freshdesk.url,
      apiKey: freshdesk.apiKey,
      log,
      retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 50, ...opts.freshdeskRetry },
      ...(opts.resolveHost ? { resolveHost: opts.resolveHost } : {}),
    }),
    notePacing: opts.notePacing ?? { perMinute: Infinity, burst: 1 },
    ...(opts.now ? { now: opts.now } : {}),
    retry: { baseDelayMs: 10, maxDelayMs: 100 },
  });
  try {
    await bridge.start();
  } catch (err) {
    // e.g. a DATABASE_URL that does not connect: leave nothing running behind
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (!opts.gitlabDouble) await gitlab.close();
    if (!opts.freshdeskDouble) await freshdesk.close();
    rmSync(spool, { recursive: true, force: true });
    throw err;
  }
  server.on('request', bridge.app);
  return {
    url,
    gitlab,
    freshdesk,
    project,
    bridge,
    config,
    logs,
    escalate: (ticketId, o = {}) =>
      fetch(`${url}/escalations`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${o.key ?? API_KEY}`,
          ...(o.origin ? { origin: o.origin } : {}),
        },
        body: JSON.stringify({ ticketId, ...(o.dryRun === undefined ? {} : { dryRun: o.dryRun }) }),
      }),
    notes: (iid) => {
      const issue = gitlab.state(project.id).issues.find((i) => i.iid === iid);
      if (!issue) throw new Error(`no issue #${iid}`);
      return issue.notes.map((n) => ({ body: n.body, internal: n.internal }));
    },
    close: async () => {
      if (!server.listening) return;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await bridge.stop();
      if (!opts.gitlabDouble) await gitlab.close();
      if (!opts.freshdeskDouble) await freshdesk.close();
      rmSync(spool, { recursive: true, force: true });
    },
  };
}

/** A response's JSON body, loosely typed for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function readJson(res: Response): Promise<any> {
  return res.json();
}
