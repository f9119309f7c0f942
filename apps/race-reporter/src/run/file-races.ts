import type { GitLabPort, Issue, ProjectRef } from '@devops/gitlab';
import type { Logger } from '@devops/logger';
import { describeError } from '@devops/errors';
import { chooseAction, fileRaceGroup } from '../issues/file-race-group';
import type { PendingIntent } from '../state/race-state';
import type { ActionRecord } from './run-result';
import type { RaceGroup } from './race-group';

/**
 * Files every race, one after the other: each write is journalled first
 * (`save` with the intent pending), a race that fails is recorded and the
 * others go on. Returns what was done and which fingerprints were filed.
 */
export async function fileRaces(opts: {
  groups: RaceGroup[];
  issues: Map<string, Issue>;
  gitlab: { port: GitLabPort; project: ProjectRef };
  labels: string[];
  host: string;
  now: Date;
  log: Logger;
  pending: PendingIntent[];
  filed: Set<string>;
  save: () => Promise<void>;
}): Promise<{ actions: ActionRecord[]; failed: boolean }> {
  const { log, pending } = opts;
  const actions: ActionRecord[] = [];
  let failed = false;
  for (const group of opts.groups) {
    try {
      const { action, issue, form } = await fileRaceGroup({
        group,
        issue: opts.issues.get(group.fingerprint),
        gitlab: opts.gitlab.port,
        project: opts.gitlab.project,
        labels: opts.labels,
        host: opts.host,
        now: opts.now,
        log,
        journal: async (intent) => {
          pending.push(intent);
          await opts.save();
        },
      });
      pending.pop();
      opts.filed.add(group.fingerprint);
      actions.push({ group, action, issue, status: 'done', ...(form !== 'full' ? { form } : {}) });
      const verb = action === 'create' ? 'created' : action === 'reopen' ? 'reopened' : 'commented on';
      log.info(`${verb} issue #${issue.iid} for ${group.title}${form !== 'full' ? ` (${form} form)` : ''}`, {
        fingerprint: group.fingerprint,
        occurrences: group.occurrences,
      });
      // No save here: the next race's journal save (or the one after the loop) records this one as
      // done. A crash in between leaves its intent, which the next run settles by its batch marker.
    } catch (err) {
      failed = true;
      const issue = opts.issues.get(group.fingerprint) ?? null;
      actions.push({
        group,
        action: chooseAction(issue ?? undefined),
        issue,
        status: 'failed',
        error: describeError(err),
      });
      log.error(
        `could not file ${group.title} (${group.fingerprint}): ${describeError(err)}; its reports stay for the next run`,
      );
    }
  }
  return { actions, failed };
}
