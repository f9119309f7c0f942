import type { EventHandler } from '@devops/webhooks';
import type { BoardSyncMetrics } from '../create-metrics';
import type { IssueReference } from '../references/find-issue-references';
import type { EditRights } from '../rights/create-edit-rights';
import { sortByAuthorRights, type ActingFor } from '../rights/sort-by-author-rights';
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
  /** A merge request's: issues outside its own project move only with its author's rights. */
  actingFor?: ActingFor;
}

/** What every handler shares: the settings, the counters and the author-rights check (with its cache). */
export interface MoveHandlerDeps {
  config: BoardConfig;
  metrics: BoardSyncMetrics;
  rights: EditRights;
}

/**
 * The one shape of board-sync's handlers: a pure decision from the payload
 * (ignored with a reason, or a Move), the author's rights on other projects'
 * issues, then the move, counted, with a refusal raised so the event is
 * dead-lettered.
 */
export function createMoveHandler<P>(
  deps: MoveHandlerDeps,
  decide: (payload: P) => { ignore: string } | Move,
): EventHandler<P> {
  const { config, metrics, rights } = deps;
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
      const { permitted, leftAlone } = d.actingFor
        ? await sortByAuthorRights({ gitlab, log, rights }, d.issues, d.actingFor)
        : { permitted: d.issues, leftAlone: [] };
      const moved = await moveIssues({ gitlab, log }, permitted, d.target, {
        labels: config.BOARD_LABELS,
        allowBackwards: d.allowBackwards,
      });
      const outcomes = [...leftAlone, ...moved];
      metrics.count(outcomes);
      throwIfRefused(outcomes);
    },
  };
}
