import type { EventHandler } from '@devops/webhooks';
import type { BoardSyncMetrics } from '../create-metrics';
import type { IssueReference } from '../references/find-issue-references';
import type { BoardConfig } from './board-settings';
import { moveIssues } from './move-issues';
import { throwIfRefused } from './throw-if-refused';

/** What an event asks for: these issues to the `target` board label. */
export interface Move {
  issues: IssueReference[];
  target: string;
  allowBackwards: boolean;
  /** For the log line, e.g. `!12 merge` or `branch 7-fix created: #7`. */
  summary: string;
}

/**
 * The one shape of board-sync's handlers: a pure decision from the payload
 * (ignored with a reason, or a Move), then the move, counted, with a refusal
 * raised so the event is dead-lettered.
 */
export function createMoveHandler<P>(
  config: BoardConfig,
  metrics: BoardSyncMetrics,
  decide: (payload: P) => { ignore: string } | Move,
): EventHandler<P> {
  return {
    ignore: (payload) => {
      const d = decide(payload);
      return 'ignore' in d ? d.ignore : undefined;
    },
    handle: async ({ payload, gitlab, log }) => {
      const d = decide(payload);
      if ('ignore' in d) {
        log.info(`nothing to do: ${d.ignore}`);
        return;
      }
      log.info(`${d.summary} → "${d.target}"`);
      const outcomes = await moveIssues({ gitlab, log }, d.issues, d.target, {
        labels: config.BOARD_LABELS,
        allowBackwards: d.allowBackwards,
      });
      metrics.count(outcomes);
      throwIfRefused(outcomes);
    },
  };
}
