import {
  toMergeRequestPayload,
  type CatchUpSource,
  type Change,
  type ChangeKey,
  type ChangeKeys,
} from '@devops/catch-up';
import type { EventHandler, MergeRequestPayload } from '@devops/webhooks';

/**
 * `project:<id>:mr:<iid>:checked@<head sha>:<target branch>`: one check per code state and target, whether
 * its hook came or a pass found it. The check itself is idempotent against GitLab (the thread's hidden
 * marker: one thread per version pair, never reopened), so a pass and a hook that race post one thread.
 */
export function versionCheckKey(
  projectId: number | string,
  iid: number,
  sha: string | null | undefined,
  targetBranch: string | null | undefined,
): ChangeKey {
  return { key: `project:${projectId}:mr:${iid}:checked@${sha || 'unknown'}:${targetBranch ?? ''}` };
}

type Attrs = NonNullable<MergeRequestPayload['object_attributes']> & { last_commit?: { id?: string } };

/**
 * The hook always runs its check (it reads the MR afresh and is idempotent by the thread's marker); the
 * key it records spares later passes the reads.
 */
export const versionChangeKeys: ChangeKeys = {
  merge_request: {
    alwaysRun: true,
    keyOf: (payload: MergeRequestPayload) => {
      const a = (payload.object_attributes ?? {}) as Attrs;
      const project = a.target_project_id ?? payload.project?.id;
      if (project === undefined || typeof a.iid !== 'number' || !a.last_commit?.id) return null;
      return versionCheckKey(project, a.iid, a.last_commit.id, a.target_branch);
    },
  },
};

/**
 * version-check's catch-up: every open merge request updated in the window whose head commit and target
 * were not checked yet is checked by the Merge Request Hook's own handler, as an `open` hook.
 */
export function createVersionSource(handler: EventHandler<MergeRequestPayload>): CatchUpSource {
  return {
    kind: 'version_thread',
    async findChanges(window) {
      const out: Change[] = [];
      for (const scope of window.scopes) {
        for (const mr of await window.gitlab.listMergeRequestsUpdatedAfter(scope, window.since)) {
          if (mr.state !== 'opened') continue;
          const payload = toMergeRequestPayload(mr, mr.draft ? 'draft' : 'opened');
          out.push({
            ...versionCheckKey(mr.projectId, mr.iid, mr.sha, mr.targetBranch),
            kind: 'version_thread',
            project: mr.projectPath || String(mr.projectId),
            target: `!${mr.iid}`,
            apply: (ports) =>
              handler.handle({
                payload,
                gitlab: ports.gitlab,
                log: ports.log,
                signal: ports.signal,
                deliveryId: `catch-up:mr:${mr.projectId}:${mr.iid}:${mr.sha ?? 'unknown'}`,
                event: 'Merge Request Hook',
                attempt: 1,
              }),
          });
        }
      }
      return out;
    },
  };
}
