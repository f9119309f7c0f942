import type { MergeRequestPayload } from '@devops/webhooks';

/**
 * Why this Merge Request Hook needs no version check (the receiver answers
 * 200 {ignored: why}), or undefined when it does. Checked: `open`, `reopen`,
 * and `update` that pushed code (`oldrev` present) or changed the target
 * branch (`changes.target_branch`). GitLab also sends `update` with empty
 * `changes` (and for title, label, assignee edits): those are ignored.
 */
export function whyIgnoreMergeRequest(payload: MergeRequestPayload): string | undefined {
  const attrs = payload.object_attributes;
  if (!attrs || typeof attrs.iid !== 'number') return 'not a merge request event';
  const action = attrs.action;
  if (action === 'open' || action === 'reopen') return undefined;
  if (action === 'update') {
    if (attrs.oldrev) return undefined;
    if (payload.changes && 'target_branch' in payload.changes) return undefined;
    return 'merge request update without new code or a new target branch';
  }
  return `merge request action "${action ?? '(none)'}" needs no version check`;
}
