/** The parts of GitLab's Merge Request Hook payload this app reads. */
export interface MergeRequestPayload {
  object_kind: 'merge_request';
  project?: { id?: number; path_with_namespace?: string };
  object_attributes?: {
    iid?: number;
    action?: string;
    title?: string | null;
    description?: string | null;
    source_branch?: string;
    draft?: boolean;
    work_in_progress?: boolean;
  };
  changes?: Record<string, { previous?: unknown; current?: unknown } | undefined>;
}

/** The parts of GitLab's Push Hook payload this app reads. */
export interface PushPayload {
  object_kind: 'push';
  before?: string;
  after?: string;
  ref?: string;
  project_id?: number;
  project?: { id?: number; path_with_namespace?: string };
}
