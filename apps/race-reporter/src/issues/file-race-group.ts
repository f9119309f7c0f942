import { randomUUID } from 'node:crypto';
import type { GitLabPort, Issue, ProjectRef } from '@devops/gitlab';
import type { RaceGroup } from '../run/race-group';
import type { PendingIntent } from '../state/race-state';
import { renderIssueDescription, renderRaceComment } from './render-race-text';

export type RaceAction = 'create' | 'comment' | 'reopen';

export function chooseAction(issue: Issue | undefined): RaceAction {
  if (!issue) return 'create';
  return issue.state === 'closed' ? 'reopen' : 'comment';
}

/**
 * Files one race: a new issue, or one comment on its issue (reopened first
 * when closed). `journal` is awaited before the first write with the intent
 * (saved durably by the caller), so a crash after the write is recognised by
 * the next run through the batch marker in the text.
 */
export async function fileRaceGroup(opts: {
  group: RaceGroup;
  issue: Issue | undefined;
  gitlab: GitLabPort;
  project: ProjectRef;
  labels: string[];
  host: string;
  now: Date;
  journal: (intent: PendingIntent) => Promise<void>;
}): Promise<{ action: RaceAction; issue: Issue }> {
  const { group, gitlab, project } = opts;
  const action = chooseAction(opts.issue);
  const batch = randomUUID();
  await opts.journal({
    batch,
    fingerprint: group.fingerprint,
    action,
    iid: opts.issue?.iid ?? null,
    filed: group.files.map((f) => ({ cursor: f.cursorId, upTo: f.upTo })),
    startedAt: opts.now.toISOString(),
  });
  const ctx = { host: opts.host, now: opts.now, batch };
  if (action === 'create') {
    const issue = await gitlab.createIssue(project, {
      title: group.title,
      description: renderIssueDescription(group, ctx),
      labels: opts.labels,
    });
    return { action, issue };
  }
  let issue = opts.issue!;
  if (action === 'reopen') issue = await gitlab.editIssue(project, issue.iid, { stateEvent: 'reopen' });
  await gitlab.createIssueNote(
    project,
    issue.iid,
    renderRaceComment(group, { ...ctx, reopened: action === 'reopen' }),
  );
  return { action, issue };
}
