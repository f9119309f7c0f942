import { Counter, type Registry } from 'prom-client';
import type { MoveOutcome } from './board/move-issues';

export interface BoardSyncMetrics {
  /** Counts what happened to each issue of an event. */
  count(outcomes: MoveOutcome[]): void;
}

/** This app's own counters, on the service's registry (they appear on /metrics). */
export function createMetrics(registry: Registry): BoardSyncMetrics {
  const moves = new Counter({
    name: 'board_sync_issue_moves_total',
    help: 'Issues moved, by the label they were moved to',
    labelNames: ['label'] as const,
    registers: [registry],
  });
  const leftAlone = new Counter({
    name: 'board_sync_issues_left_alone_total',
    help: 'Referenced issues left alone, by why (closed, already_there, backwards, not_found, refused, not_permitted)',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  return {
    count(outcomes) {
      for (const o of outcomes) {
        if (o.moved) moves.inc({ label: o.label });
        else leftAlone.inc({ reason: o.kind });
      }
    },
  };
}
