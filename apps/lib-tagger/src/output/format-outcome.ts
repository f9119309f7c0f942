import type { TagOutcome } from '../tagging/tag-release';

export interface OutcomeJson {
  tag: string | null;
  previous: string | null;
  sha: string;
  created: boolean;
  status: TagOutcome['status'];
  skipped?: string;
}

/** The one JSON document `--json` prints: {tag, previous, sha, created} plus status (and why it skipped). */
export function outcomeJson(outcome: TagOutcome): OutcomeJson {
  if (outcome.status === 'skipped') {
    return {
      tag: null,
      previous: null,
      sha: outcome.sha,
      created: false,
      status: 'skipped',
      skipped: outcome.reason,
    };
  }
  return {
    tag: outcome.tag,
    previous: outcome.previous,
    sha: outcome.sha,
    created: outcome.status === 'created',
    status: outcome.status,
  };
}
