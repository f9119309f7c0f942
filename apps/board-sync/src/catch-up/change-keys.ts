import { mergeRequestKey, phaseOfHook, type ChangeKey, type ChangeKeys } from '@devops/catch-up';
import type { MergeRequestPayload, PushPayload } from '@devops/webhooks';

const ZERO_SHA = /^0+$/;

/** `project:<id>:branch:<name>`: one move per branch name, whether its push hook came or a pass found it. */
export function branchKey(projectId: number | string, branch: string): ChangeKey {
  return { key: `project:${projectId}:branch:${branch}` };
}

/** board-sync's change keys: a merge request's phase, a branch's creation. */
export const boardChangeKeys: ChangeKeys = {
  merge_request: {
    keyOf: (payload: MergeRequestPayload) => {
      const phase = phaseOfHook(payload);
      const project = payload.project?.id;
      const iid = payload.object_attributes?.iid;
      return phase && project !== undefined && typeof iid === 'number'
        ? mergeRequestKey(project, iid, phase)
        : null;
    },
  },
  push: {
    keyOf: (payload: PushPayload) => {
      const project = payload.project?.id ?? payload.project_id;
      const created =
        !!payload.before && ZERO_SHA.test(payload.before) && !!payload.after && !ZERO_SHA.test(payload.after);
      if (project === undefined || !created || !payload.ref?.startsWith('refs/heads/')) return null;
      return branchKey(project, payload.ref.slice('refs/heads/'.length));
    },
  },
};
