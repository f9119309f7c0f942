import { randomUUID } from 'node:crypto';
import { describeError, PermanentError } from '@devops/errors';
import type { GitLabPort, Issue, ProjectRef } from '@devops/gitlab';
import type { Logger } from '@devops/logger';
import type { RaceGroup } from '../run/race-group';
import type { PendingIntent } from '../state/race-state';
import { renderIssueDescription, renderRaceComment, type TextForm } from './render-race-text';

export type RaceAction = 'create' | 'comment' | 'reopen';

export function chooseAction(issue: Issue | undefined): RaceAction {
  if (!issue) return 'create';
  return issue.state === 'closed' ? 'reopen' : 'comment';
}

const FORMS: TextForm[] = ['full', 'short', 'minimal'];

/**
 * Writes one text, falling back to shorter forms while GitLab refuses it
 * (PermanentError: too large, invalid; nothing was written) or while rendering
 * it fails. Any other failure (temporary: for the next run; unknown: the write
 * may have happened, the journal settles it) is thrown at once, as is the
 * last form's.
 */
async function writeShortening<T>(
  render: (form: TextForm, refusal: string | undefined) => string,
  write: (text: string) => Promise<T>,
  log: Logger,
  what: string,
): Promise<{ result: T; form: TextForm }> {
  let refusal: string | undefined;
  for (const [i, form] of FORMS.entries()) {
    const last = i === FORMS.length - 1;
    let text: string;
    try {
      text = render(form, refusal);
    } catch (err) {
      if (last) throw err;
      refusal = `could not be rendered: ${describeError(err)}`;
      log.error(`the ${form} text of ${what} ${refusal}; filing a shorter form`);
      continue;
    }
    try {
      return { result: await write(text), form };
    } catch (err) {
      if (!(err instanceof PermanentError) || last) throw err;
      refusal = describeError(err);
      log.warn(`GitLab refused the ${form} text of ${what}: ${refusal}; filing a shorter form`);
    }
  }
  throw new Error('unreachable');
}

/**
 * Files one race: a new issue, or one comment on its issue (reopened first
 * when closed). `journal` is awaited before the first write with the intent
 * (saved durably by the caller), so a crash after the write is recognised by
 * the next run through the batch marker in the text. A text GitLab refuses is
 * filed in a shortened form, so one bad report cannot block its race forever.
 */
export async function fileRaceGroup(opts: {
  group: RaceGroup;
  issue: Issue | undefined;
  gitlab: GitLabPort;
  project: ProjectRef;
  labels: string[];
  host: string;
  now: Date;
  log: Logger;
  journal: (intent: PendingIntent) => Promise<void>;
}): Promise<{ action: RaceAction; issue: Issue; form: TextForm }> {
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
    const { result: issue, form } = await writeShortening(
      (form, refusal) => renderIssueDescription(group, { ...ctx, form, refusal }),
      (description) => gitlab.createIssue(project, { title: group.title, description, labels: opts.labels }),
      opts.log,
      group.title,
    );
    return { action, issue, form };
  }
  let issue = opts.issue!;
  if (action === 'reopen') issue = await gitlab.editIssue(project, issue.iid, { stateEvent: 'reopen' });
  const { form } = await writeShortening(
    (form, refusal) => renderRaceComment(group, { ...ctx, form, refusal, reopened: action === 'reopen' }),
    (body) => gitlab.createIssueNote(project, issue.iid, body),
    opts.log,
    `the comment on issue #${issue.iid}`,
  );
  return { action, issue, form };
}
