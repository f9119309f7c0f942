export { catchUpSettings, type CatchUpConfig } from './settings';
export { attachCatchUp, projectIdOf, type CatchUpParts, type ChangeKeys } from './attach-catch-up';
export { withChangeKey, type ChangeKey } from './with-change-key';
export { runPass, CLOCK_MARGIN_MS, type PassResult, type PassOptions } from './run-pass';
export { createScheduler, type Scheduler } from './create-scheduler';
export { runReconcileCommand, RECONCILE_USAGE } from './run-reconcile-command';
export { createCatchUpMetrics, type CatchUpMetrics } from './create-catch-up-metrics';
export { trackWrites, GITLAB_WRITES, type Write } from './track-writes';
export { openCatchUpStore } from './store/open-catch-up-store';
export type { CatchUpStore } from './store/catch-up-store';
export type { CatchUpSource, Change, PassPorts, PassWindow, Repair, RepairKind } from './types';
export {
  mergeRequestKey,
  phaseOf,
  phaseOfHook,
  toMergeRequestPayload,
  type MergeRequestPhase,
} from './merge-request-phase';
