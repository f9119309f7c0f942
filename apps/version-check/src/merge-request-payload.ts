/** The parts of GitLab's Merge Request Hook payload this app reads. */
export interface MergeRequestPayload {
  object_kind: 'merge_request';
  project?: { id?: number; path_with_namespace?: string };
  object_attributes?: {
    iid?: number;
    action?: string;
    oldrev?: string;
    source_branch?: string;
    target_branch?: string;
    source_project_id?: number;
    target_project_id?: number;
  };
  changes?: Record<string, unknown>;
}
