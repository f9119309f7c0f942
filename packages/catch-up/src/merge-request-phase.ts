import type { ChangedMergeRequest } from '@devops/gitlab';
import type { MergeRequestPayload } from '@devops/webhooks';
import type { ChangeKey } from './with-change-key';

/** The states of a merge request a pass can see, each one change: open (ready), draft, merged, closed. */
export type MergeRequestPhase = 'opened' | 'draft' | 'merged' | 'closed';

const PHASES: MergeRequestPhase[] = ['opened', 'draft', 'merged', 'closed'];

/** `project:<id>:mr:<iid>:<phase>`: the key webhook and pass agree on. */
export function mergeRequestKey(
  projectId: number | string,
  iid: number,
  phase: MergeRequestPhase,
): ChangeKey {
  const base = `project:${projectId}:mr:${iid}`;
  // Reaching a phase makes the open/draft/closed ones stale, so the MR may reach them again (closed and
  // reopened, draft and ready again) and have their effect again; merged is for good.
  const supersedes =
    phase === 'merged' ? [] : PHASES.filter((p) => p !== phase && p !== 'merged').map((p) => `${base}:${p}`);
  return { key: `${base}:${phase}`, supersedes };
}

/** The phase a merge request is in, as a list read shows it. */
export function phaseOf(mr: { state: string; draft: boolean }): MergeRequestPhase {
  if (mr.state === 'merged') return 'merged';
  if (mr.state === 'closed' || mr.state === 'locked') return 'closed';
  return mr.draft ? 'draft' : 'opened';
}

/** The phase a Merge Request Hook reaches, or null for one that reaches none (an edit, a push). */
export function phaseOfHook(payload: MergeRequestPayload): MergeRequestPhase | null {
  const a = payload.object_attributes ?? {};
  const draft = a.draft === true || a.work_in_progress === true;
  switch (a.action) {
    case 'open':
    case 'reopen':
      return draft ? 'draft' : 'opened';
    case 'merge':
      return 'merged';
    case 'close':
      return 'closed';
    case 'update': {
      const c = payload.changes?.draft ?? payload.changes?.work_in_progress;
      if (c && c.previous === true && c.current === false) return 'opened';
      if (c && c.previous === false && c.current === true) return 'draft';
      return null;
    }
    default:
      return null;
  }
}

/**
 * The Merge Request Hook a merge request's current state stands for (GitLab's payload shape, the fields
 * the apps read), for a pass to run the webhook's own handler: `open` (draft or not), `merge` or `close`.
 */
export function toMergeRequestPayload(
  mr: ChangedMergeRequest,
  phase: MergeRequestPhase,
): MergeRequestPayload {
  const action = phase === 'merged' ? 'merge' : phase === 'closed' ? 'close' : 'open';
  return {
    object_kind: 'merge_request',
    project: { id: mr.projectId, path_with_namespace: mr.projectPath },
    object_attributes: {
      iid: mr.iid,
      action,
      title: mr.title,
      description: mr.description,
      source_branch: mr.sourceBranch,
      target_branch: mr.targetBranch,
      source_project_id: mr.sourceProjectId,
      target_project_id: mr.targetProjectId,
      draft: mr.draft,
      work_in_progress: mr.draft,
      ...(mr.authorId !== null ? { author_id: mr.authorId } : {}),
      ...(mr.sha ? { last_commit: { id: mr.sha } } : {}),
    } as MergeRequestPayload['object_attributes'],
  };
}
