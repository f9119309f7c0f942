import type { GitLabPort } from '@devops/gitlab';
import type { Logger } from '@devops/logger';
import type { EventHandler, WebhookAppParts } from '@devops/webhooks';
import type { Registry } from 'prom-client';
import { createCatchUpMetrics } from './create-catch-up-metrics';
import { createScheduler, type Scheduler } from './create-scheduler';
import { createScopeResolver } from './resolve-scopes';
import { runPass } from './run-pass';
import { RECONCILE_USAGE, runReconcileCommand } from './run-reconcile-command';
import type { CatchUpConfig } from './settings';
import type { CatchUpStore } from './store/catch-up-store';
import { openCatchUpStore } from './store/open-catch-up-store';
import type { CatchUpSource } from './types';
import { withChangeKey, type ChangeKey } from './with-change-key';

/** How each handled object_kind names its change and its project. */
export type ChangeKeys = Record<
  string,
  {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    keyOf: (payload: any) => ChangeKey | null;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    projectOf?: (payload: any) => string | null;
    /** The webhook runs its handler even when the key is recorded (it is idempotent against GitLab). */
    alwaysRun?: boolean;
  }
>;

export interface CatchUpParts extends WebhookAppParts {
  /** The scheduler (tests and the demo wait for its passes). */
  scheduler: Scheduler;
}

/** A payload's `project.id` (every GitLab event kind carries it), as text. */
export function projectIdOf(payload: { project?: { id?: unknown }; project_id?: unknown }): string | null {
  const id = payload.project?.id ?? payload.project_id;
  return typeof id === 'number' || typeof id === 'string' ? String(id) : null;
}

/**
 * Adds catch-up to a webhook app's parts: handlers wrapped with their change keys, the pass scheduler
 * started and stopped with the app, the `reconcile` command, the two metrics; state in the queue's store.
 */
export function attachCatchUp(
  deps: {
    app: string;
    config: CatchUpConfig;
    gitlab: GitLabPort;
    log: Logger;
    registry: Registry;
    /** The process's shutdown signal (the webhook app's setup context has it). */
    signal?: AbortSignal;
    now?: () => number;
  },
  parts: WebhookAppParts,
  catchUp: { source: CatchUpSource; keys: ChangeKeys },
): CatchUpParts {
  const { config, gitlab } = deps;
  const now = deps.now ?? Date.now;
  const log = deps.log.child({ component: 'catch-up' });
  const metrics = createCatchUpMetrics(deps.registry, catchUp.source.kind);
  let opening: Promise<CatchUpStore> | undefined;
  const store = () =>
    (opening ??= openCatchUpStore(
      { spoolDir: config.WEBHOOK_SPOOL_DIR, databaseUrl: config.DATABASE_URL },
      { app: deps.app, log },
    ).catch((err: unknown) => {
      opening = undefined;
      throw err;
    }));
  const resolveScopes = createScopeResolver(gitlab);
  const pass = async (since: number, dryRun: boolean) => {
    const s = await store();
    return runPass({
      source: catchUp.source,
      store: s,
      gitlab,
      log,
      scopes: await resolveScopes(config.RECONCILE_SCOPE, () => s.projects()),
      since,
      now,
      dryRun,
      ...(deps.signal ? { signal: deps.signal } : {}),
      onRepair: (r) => metrics.repaired(r.kind),
    });
  };
  const scheduler = createScheduler({
    intervalMs: config.RECONCILE_INTERVAL * 1000,
    lookbackMs: config.RECONCILE_LOOKBACK * 1000,
    store,
    pass: (since) => pass(since, false),
    succeeded: (at) => metrics.succeeded(at),
    log,
    now,
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const handlers: Record<string, EventHandler<any>> = { ...parts.handlers };
  for (const [kind, k] of Object.entries(catchUp.keys)) {
    const handler = parts.handlers[kind];
    if (!handler) continue;
    handlers[kind] = withChangeKey<Record<string, unknown>>(handler, {
      store,
      keyOf: k.keyOf,
      projectOf: k.projectOf ?? projectIdOf,
      ...(k.alwaysRun ? { alwaysRun: true } : {}),
    });
  }

  return {
    ...parts,
    handlers,
    scheduler,
    commands: {
      ...parts.commands,
      reconcile: {
        usage: RECONCILE_USAGE,
        run: async (ctx) => {
          try {
            return await runReconcileCommand({
              ...ctx,
              store,
              pass,
              lookbackMs: config.RECONCILE_LOOKBACK * 1000,
              now,
            });
          } finally {
            if (opening) await (await opening.catch(() => undefined))?.close();
          }
        },
      },
    },
    async start() {
      await parts.start?.();
      await store();
      scheduler.start();
    },
    async stop() {
      await scheduler.stop();
      await parts.stop?.();
      if (opening) await (await opening.catch(() => undefined))?.close();
    },
  };
}
