export type {
  DeadLetter,
  DeadLetterSummary,
  DeadLetters,
  EnqueueResult,
  EventPayload,
  EventQueue,
  EventQueueOptions,
  NewEvent,
  ProcessEvent,
  QueuedEvent,
  QueueObserver,
  QueuePolicy,
} from './queue/event-queue';
export { DEFAULT_QUEUE_POLICY, DEFAULT_CONCURRENCY, realTimer } from './queue/event-queue';
export { decideAfterFailure, type FailureDecision } from './queue/decide-after-failure';
export { openEventQueue, type OpenQueueOptions, type QueueLocation } from './open-event-queue';
export { createSpoolQueue, DEDUPE_RETENTION_MS, type SpoolQueueOptions } from './spool/create-spool-queue';
export { listSpooledEvents, type SpooledEvent } from './spool/list-spooled-events';
/** The spool's file formats: `<id>.state.json` and `dead/<id>.json`. */
export type { RetryState } from './spool/create-spool';
export type { DeadLetterFile } from './spool/create-spool-dead-letters';
export { createPostgresQueue, type PostgresQueueOptions } from './postgres/create-postgres-queue';
export {
  runDeadLettersCommand,
  DEAD_LETTERS_USAGE,
  type DeadLettersCommand,
} from './run-dead-letters-command';
