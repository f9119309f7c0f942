import { Counter, type Registry } from 'prom-client';
import type { MoveOutcome } from './board/move-issues';

export interface BoardSyncMetrics {
  /** Counts what happened to each issue of an event. */
  count(outcomes: MoveOutcome[]): void;
  /** Adds the counters to the service's registry (they then appear on /metrics). */
  register(registry: Registry): void;
}

/** This app's own counters, created unregistered so the handlers can hold them before the service exists. */
export function createMetrics(): BoardSyncMetrics {
  const moves = new Counter({
    name: 'board_sync_issue_moves_total',
    help: 'Issues moved, by the label they were moved to',
    labelNames: ['label'] as const,
    registers: [],
  });
  const leftAlone = new Counter({
    name: 'board_sync_issues_left_alone_total',
    help: 'Referenced issues left alone, by why (closed, already_there, backwards, not_found, refused)',
    labelNames: ['reason'] as const,
    registers: [],
  });
  return {
    count(outcomes) {
      for (const o of outcomes) {
        if (o.moved) moves.inc({ label: o.label });
        else leftAlone.inc({ reason: o.kind });
      }
    },
    register(registry) {
      registry.registerMetric(moves);
      registry.registerMetric(leftAlone);
    },
  };
}
