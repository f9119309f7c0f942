import type { GitLabPort, Issue, ProjectRef } from '@devops/gitlab';
import type { Logger } from '@devops/logger';
import type { RaceState } from '../state/race-state';
import { findBatch } from './race-marker';

/**
 * Settles the writes a previous run started but did not record (it crashed,
 * or GitLab failed in a way that leaves the outcome unknown): an issue or
 * note carrying the intent's batch marker means it happened, so its reports
 * count as filed; otherwise they are simply filed again this run.
 */
export async function recoverPending(opts: {
  state: RaceState;
  gitlab: GitLabPort;
  project: ProjectRef;
  issues: Map<string, Issue>;
  log: Logger;
}): Promise<{ confirmed: number; retried: number }> {
  let confirmed = 0;
  let retried = 0;
  for (const intent of opts.state.pending) {
    let happened: boolean;
    if (intent.action === 'create') {
      happened = findBatch(opts.issues.get(intent.fingerprint)?.description ?? null) === intent.batch;
    } else {
      const notes = await opts.gitlab.listIssueNotes(opts.project, intent.iid!);
      happened = notes.some((n) => findBatch(n.body) === intent.batch);
    }
    if (happened) {
      confirmed++;
      for (const f of intent.filed) {
        const cursor = opts.state.cursors.find((c) => c.id === f.cursor);
        if (cursor)
          cursor.filed[intent.fingerprint] = Math.max(cursor.filed[intent.fingerprint] ?? 0, f.upTo);
      }
      opts.log.info(
        `the previous run's ${intent.action} for race ${intent.fingerprint} did reach GitLab: not repeating it`,
      );
    } else {
      retried++;
      opts.log.info(
        `the previous run's ${intent.action} for race ${intent.fingerprint} did not reach GitLab: filing again`,
      );
    }
  }
  opts.state.pending = [];
  return { confirmed, retried };
}
