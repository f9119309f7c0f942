import type { EventHandler } from '@devops/webhooks';
import type { CatchUpStore } from './store/catch-up-store';

/** The change a webhook payload stands for, as a pass would name it. */
export interface ChangeKey {
  key: string;
  /** Keys this change makes stale (forgotten when it is applied). */
  supersedes?: string[];
}

/**
 * Wraps a webhook handler so webhook and pass agree on "applied once": the event's project is remembered
 * (the default scope of passes); an event whose change key is already recorded (a pass got there first,
 * or the same change came twice) does nothing; otherwise the handler runs and the key is recorded.
 */
export function withChangeKey<P>(
  handler: EventHandler<P>,
  o: {
    store: () => Promise<CatchUpStore>;
    keyOf: (payload: P) => ChangeKey | null;
    projectOf: (payload: P) => string | null;
    /** Run the handler even when the key is recorded (a handler idempotent against GitLab by itself). */
    alwaysRun?: boolean;
  },
): EventHandler<P> {
  return {
    ...(handler.ignore ? { ignore: handler.ignore } : {}),
    async handle(ctx) {
      const store = await o.store();
      const project = o.projectOf(ctx.payload);
      if (project !== null) await store.addProject(project);
      const change = o.keyOf(ctx.payload);
      if (change && !o.alwaysRun && (await store.applied(change.key))) {
        ctx.log.info(
          `${change.key} was already applied (by a catch-up pass or an earlier delivery): nothing to do`,
        );
        return;
      }
      await handler.handle(ctx);
      if (change) await store.record(change.key, change.supersedes);
    },
  };
}
