/** The double's in-memory records: what `gitlab.state(project)` hands back, live. */

export interface Person {
  id: number;
  username: string;
  name: string;
}

export interface CommitRecord {
  id: string;
  shortId: string;
  title: string;
  message: string;
  parentIds: string[];
  /** The whole tree at this commit: path -> content. */
  tree: Record<string, string>;
  authorName: string;
  authorEmail: string;
  createdAt: string;
}

export interface TagRecord {
  name: string;
  /** The commit the tag points at. */
  commitId: string;
  /** Annotated: the tag object's id; lightweight: the commit id. */
  target: string;
  message: string | null;
  createdAt: string | null;
}

export interface NoteRecord {
  id: number;
  body: string;
  system: boolean;
  internal: boolean;
  author: Person;
  createdAt: string;
  updatedAt: string;
}

export interface IssueRecord {
  id: number;
  iid: number;
  projectId: number;
  title: string;
  description: string | null;
  state: 'opened' | 'closed';
  labels: string[];
  notes: NoteRecord[];
  author: Person;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
}

export interface DiscussionNoteRecord extends NoteRecord {
  type: 'DiscussionNote' | null;
  resolvable: boolean;
  resolved: boolean;
  resolvedBy: Person | null;
  resolvedAt: string | null;
}

export interface DiscussionRecord {
  id: string;
  individualNote: boolean;
  notes: DiscussionNoteRecord[];
}

export interface MergeRequestRecord {
  id: number;
  iid: number;
  projectId: number;
  title: string;
  description: string | null;
  state: 'opened' | 'closed' | 'locked' | 'merged';
  draft: boolean;
  sourceBranch: string;
  targetBranch: string;
  sourceProjectId: number;
  targetProjectId: number;
  labels: string[];
  /** Explicit closing issues (iids); when unset they are read from the description ("Closes #12"). */
  closesIssues?: number[];
  discussions: DiscussionRecord[];
  author: Person;
  createdAt: string;
  updatedAt: string;
}

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
  description: string | null;
  priority: number | null;
}

export interface UploadRecord {
  id: number;
  secret: string;
  filename: string;
  size: number;
  sha256: string;
  contentType: string;
  /** The bytes, kept while the upload is at most `keepUploadBytesUpTo` (default 16 MiB); null above that. */
  content: Buffer | null;
  createdAt: string;
}

export interface ProjectRecord {
  id: number;
  path: string;
  name: string;
  defaultBranch: string;
  /** branch name -> head commit sha */
  branches: Record<string, string>;
  commits: CommitRecord[];
  tags: TagRecord[];
  issues: IssueRecord[];
  mergeRequests: MergeRequestRecord[];
  labels: LabelRecord[];
  uploads: UploadRecord[];
  createdAt: string;
}
