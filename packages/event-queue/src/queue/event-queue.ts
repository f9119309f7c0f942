/**
 * The queue port: where accepted webhook events wait until they are handled.
 * Two implementations keep the same promises (checked by one contract suite,
 * test/contract/describe-event-queue-contract.ts): the local spool
 * (src/spool/, the default) and PostgreSQL (with DATABASE_URL).
 *
 * Promises every implementation keeps:
 * - enqueue() resolves only once the event is durable (it survives a crash or
 *   a restart); an Idempotency-Key already enqueued (pending, processed or
 *   dead-lettered within the retention window) answers "duplicate".
 * - Events with the same orderKey run one at a time, in arrival order; events
 *   of different orderKeys run side by side, up to `concurrency` at once.
 * - A failure is decided by decideAfterFailure(): a TemporaryError is retried
 *   with backoff (its retryAfterMs honoured) until policy.maxAgeMs after
 *   arrival; anything else is dead-lettered at once.
 * - An event waiting for a retry holds back the later events of its orderKey
 *   for at most policy.holdMaxMs after its first failure; then they go ahead
 *   (observer.overtaken is called for each one that does).
 * - Dead letters can be listed, shown, replayed and dropped through any queue
 *   opened on the same storage, started or not, while another one runs. A
 *   replayed event is processed exactly once, like a new event (attempt 1, a
 *   fresh 24 h budget), by a running queue or the next one started.
 * - stop() lets the events in hand finish; the rest stay stored for the next start.
 * - Once `signal` (the process's shutdown signal) aborts, no new event starts;
 *   the events in hand see it as ProcessEvent's `signal`, and one that fails
 *   then (a wait cut short: a TemporaryError) stays queued for the next start.
 */

/** An event's body: a JSON object (a GitLab webhook's carries `object_kind`). */
export type EventPayload = Record<string, unknown> & { object_kind?: string };

/** One accepted event as a queue keeps it. */
export interface QueuedEvent {
  /** The queue's id for the event, unique in its storage; its dead letter has the same id. */
  id: string;
  /** X-Gitlab-Event-UUID (else X-Gitlab-Webhook-UUID, else a generated id): for logs. */
  deliveryId: string;
  /** The Idempotency-Key header, when GitLab sent one. */
  idempotencyKey: string | null;
  /** The X-Gitlab-Event header, e.g. "Merge Request Hook". */
  event: string;
  /** payload.object_kind: picks the handler. */
  objectKind: string;
  /**
   * Events with the same key run one at a time, in arrival order; different keys side by side
   * (the merge request, issue or branch the event concerns: @devops/webhooks' findOrderKey).
   */
  orderKey: string;
  /** When it was enqueued (ms since the epoch, the queue's clock); a replay gets a new one. */
  receivedAt: number;
  /** On an event put back by `dead-letters replay`: the dead letter's id. */
  replayOf?: string;
}

/** What the receiver hands to enqueue(). */
export interface NewEvent {
  deliveryId: string;
  idempotencyKey: string | null;
  event: string;
  objectKind: string;
  orderKey: string;
  /** The delivery body as received: JSON text of an object, stored as it is. */
  raw: string;
  /** The parsed body, when at hand (an implementation may keep it in memory instead of reading it back). */
  payload?: EventPayload;
}

export type EnqueueResult = { status: 'accepted'; id: string } | { status: 'duplicate' };

/**
 * Runs one event. Resolve: done. Throw: failed; the queue decides with
 * decideAfterFailure() (retry or dead letter). `attempt` is 1 on the first run.
 * `signal` aborts when the process is asked to stop: stop waiting and throw.
 */
export type ProcessEvent = (
  event: QueuedEvent,
  payload: EventPayload,
  attempt: number,
  signal: AbortSignal,
) => Promise<void>;

export interface QueuePolicy {
  /** First retry delay before jitter. */
  baseDelayMs: number;
  /** Cap of one backoff delay (a longer Retry-After is still honoured). */
  maxDelayMs: number;
  /** A temporary failure is retried until this long after the event arrived, then dead-lettered (24 h). */
  maxAgeMs: number;
  /** WEBHOOK_HOLD_MAX: how long an event waiting for a retry holds back its orderKey's later events. */
  holdMaxMs: number;
}

/** 1 s first retry, 10 min cap, 24 h of retries, WEBHOOK_HOLD_MAX's 900 s default. */
export const DEFAULT_QUEUE_POLICY: QueuePolicy = {
  baseDelayMs: 1_000,
  maxDelayMs: 10 * 60_000,
  maxAgeMs: 24 * 3_600_000,
  holdMaxMs: 900_000,
};

/** Events handled at once by default (WEBHOOK_CONCURRENCY); never two of one orderKey. */
export const DEFAULT_CONCURRENCY = 8;

/** Outcomes reported by a queue (the receiver turns them into log lines and metrics). */
export interface QueueObserver {
  processed?(event: QueuedEvent, attempt: number): void;
  retried?(event: QueuedEvent, info: { attempt: number; delayMs: number; error: string }): void;
  deadLettered?(event: QueuedEvent, info: { attempts: number; error: string }): void;
  /** An event started while an earlier event of its orderKey was still waiting for a retry. */
  overtaken?(event: QueuedEvent): void;
}

/** Options every implementation takes (each adds its own storage settings). */
export interface EventQueueOptions {
  policy: QueuePolicy;
  /** Events handled at once (never two of one orderKey). Default DEFAULT_CONCURRENCY (8). */
  concurrency?: number;
  /**
   * The process's shutdown signal: once it aborts no new event starts, and it is handed to the
   * events in hand (ProcessEvent's `signal`), whose waits end; what they leave undone stays queued.
   */
  signal?: AbortSignal;
  now?: () => number;
  /**
   * Calls `fn` after `ms` (default an unref'd setTimeout); returns a cancel. With `now`, a test's
   * clock: the spool's waits (backoff, Retry-After, hold) then pass in that clock's time. The
   * PostgreSQL queue ignores both: pg-boss compares start times with the database's clock.
   */
  setTimer?: (fn: () => void, ms: number) => () => void;
  random?: () => number;
  /** Scrubs secret values from error texts before they are stored. */
  mask?: (text: string) => string;
  observer?: QueueObserver;
}

/** One dead letter as `dead-letters list` shows it. */
export interface DeadLetterSummary {
  id: string;
  deliveryId: string;
  event: string;
  objectKind: string;
  orderKey: string;
  /** ISO 8601. */
  receivedAt: string;
  /** ISO 8601. */
  deadAt: string;
  attempts: number;
  /** Why it failed (secrets masked). */
  error: string;
}

/** A dead letter in full (`dead-letters show`). */
export interface DeadLetter extends DeadLetterSummary {
  idempotencyKey: string | null;
  /** The event's body; null when it could not be read back (such a letter cannot be replayed). */
  payload: EventPayload | null;
}

/** The operator's side; usable without start(), from another process, while the service runs. */
export interface DeadLetters {
  /** Every dead letter, oldest first. */
  list(): Promise<DeadLetterSummary[]>;
  /** undefined: no dead letter with this id. */
  show(id: string): Promise<DeadLetter | undefined>;
  /**
   * Puts the event back to be processed once more, like a new event; the dead letter
   * is gone at once. false: no dead letter with this id. Throws RefusedError for a
   * letter whose payload is unreadable.
   */
  replay(id: string): Promise<boolean>;
  /** Deletes the dead letter. false: no dead letter with this id. */
  drop(id: string): Promise<boolean>;
  /** How many are waiting (exact: the /metrics gauge reads it at scrape time). */
  count(): Promise<number>;
}

export interface EventQueue {
  /** Stores the event durably (or finds its Idempotency-Key already seen). */
  enqueue(event: NewEvent): Promise<EnqueueResult>;
  /** Picks up what was stored before (and replays), then processes events in the background. */
  start(process: ProcessEvent): Promise<void>;
  /** Lets the events in hand finish, leaves the rest stored, releases resources. Also for a queue never started. */
  stop(): Promise<void>;
  /** Resolves when this queue has nothing waiting, in retry or in hand (for tests). */
  idle(): Promise<void>;
  /** Events accepted and not yet finished. */
  depth(): Promise<number>;
  readonly deadLetters: DeadLetters;
  /** The storage's state for /healthz, where it can go away (PostgreSQL); never throws. */
  health?(): Promise<{ database: 'up' | 'down'; error?: string }>;
}

/** EventQueueOptions.setTimer's default: a real timer that does not keep the process alive. */
export function realTimer(fn: () => void, ms: number): () => void {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return () => clearTimeout(timer);
}
