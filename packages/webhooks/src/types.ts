import type { GitLabPort } from '@devops/gitlab';
import type { Logger } from '@devops/logger';
import type { EventPayload } from '@devops/event-queue';

/** A GitLab webhook body: JSON with (usually) an `object_kind`. */
export type WebhookPayload = EventPayload;

/** What a handler receives for one event. */
export interface HandlerContext<P = WebhookPayload> {
  payload: P;
  gitlab: GitLabPort;
  /** A child logger: every line carries `deliveryId`. */
  log: Logger;
  /** X-Gitlab-Event-UUID (else X-Gitlab-Webhook-UUID, else a generated id). */
  deliveryId: string;
  /** The X-Gitlab-Event header, e.g. "Merge Request Hook". */
  event: string;
  /** 1 on the first try, 2 on the first retry, ... */
  attempt: number;
  /**
   * Aborts when the process is asked to stop (SIGTERM): stop waiting and throw (a TemporaryError);
   * the event stays queued and runs again at the next start. `gitlab` already carries it.
   */
  signal: AbortSignal;
}

export interface EventHandler<P = WebhookPayload> {
  /**
   * Decides at delivery time whether the event is of no interest: return the
   * reason (answered 200 {"ignored": reason}, nothing spooled) or undefined.
   */
  ignore?: (payload: P) => string | undefined;
  /**
   * Does the work. Resolve: done. Throw a TemporaryError (GitLab unreachable,
   * 5xx, 429, timeout; its retryAfterMs honoured): retried with backoff until
   * 24 h after the delivery, then dead letter. Throw anything else
   * (PermanentError, NotFoundError, ConflictError, RefusedError, a bug such as
   * a TypeError): dead letter at once (decideAfterFailure in @devops/event-queue).
   * When `ctx.signal` aborts (SIGTERM), stop waiting and throw (the runWithRetry
   * of the ports does): the event stays queued for the next start.
   * Must be idempotent against GitLab's own state: an event may run again
   * after a crash in the middle of it.
   */
  handle: (ctx: HandlerContext<P>) => Promise<void>;
}

/** Handlers keyed by the payload's `object_kind` (merge_request, push, issue, note, ...). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventHandlers = Record<string, EventHandler<any>>;
