import type { GitLabPort } from '@devops/gitlab';
import type { Logger } from '@devops/logger';
import type { QueuedEvent } from './queue/event-queue';

/** A GitLab webhook body: JSON with (usually) an `object_kind`. */
export type WebhookPayload = Record<string, unknown> & { object_kind?: string };

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
}

export interface EventHandler<P = WebhookPayload> {
  /**
   * Decides at delivery time whether the event is of no interest: return the
   * reason (answered 200 {"ignored": reason}, nothing spooled) or undefined.
   */
  ignore?: (payload: P) => string | undefined;
  /**
   * Does the work. Resolve: done. Throw PermanentError: dead letter at once.
   * Throw anything else (TemporaryError with retryAfterMs, a bug, ...): retried
   * with backoff until maxAgeMs after the delivery, then dead letter.
   * Must be idempotent against GitLab's own state: an event may run again
   * after a crash in the middle of it.
   */
  handle: (ctx: HandlerContext<P>) => Promise<void>;
}

/** Handlers keyed by the payload's `object_kind` (merge_request, push, issue, note, ...). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventHandlers = Record<string, EventHandler<any>>;

export interface RetryOptions {
  /** First retry delay before jitter (default 1 s). */
  baseDelayMs?: number;
  /** Cap of one delay (default 10 min). A Retry-After longer than this is still honoured. */
  maxDelayMs?: number;
  /** How long after its delivery an event is retried before it is dead-lettered (default 24 h). */
  maxAgeMs?: number;
}

/** The spool's record of one accepted event (the file holds this plus `payload`). */
export type SpooledEvent = QueuedEvent;

/** Retry bookkeeping kept beside an event (`<id>.state.json`). */
export interface RetryState {
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  /** When the first attempt failed: the start of the hold on later events of its orderKey. */
  firstFailedAt?: number;
}
