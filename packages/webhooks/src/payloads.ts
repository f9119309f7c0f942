/**
 * The parts of GitLab's webhook payloads the apps read (GitLab docs, "Webhook
 * events"). Every field is optional: handlers check what they use.
 */

export interface ProjectRef {
  id?: number;
  path_with_namespace?: string;
}

/** Merge Request Hook (object_kind merge_request). */
export interface MergeRequestPayload {
  object_kind: 'merge_request';
  project?: ProjectRef;
  object_attributes?: {
    iid?: number;
    action?: string;
    oldrev?: string;
    title?: string | null;
    description?: string | null;
    source_branch?: string;
    target_branch?: string;
    source_project_id?: number;
    target_project_id?: number;
    draft?: boolean;
    work_in_progress?: boolean;
  };
  changes?: Record<string, { previous?: unknown; current?: unknown } | undefined>;
}

/** Push Hook (object_kind push). */
export interface PushPayload {
  object_kind: 'push';
  before?: string;
  after?: string;
  ref?: string;
  project_id?: number;
  project?: ProjectRef;
}

/** Issue Hook (object_kind issue). */
export interface IssuePayload {
  object_kind?: string;
  user?: { name?: string; username?: string };
  project?: ProjectRef;
  object_attributes?: {
    iid?: number;
    action?: string;
    description?: string | null;
    url?: string;
    closed_at?: string | null;
    updated_at?: string;
  };
}
