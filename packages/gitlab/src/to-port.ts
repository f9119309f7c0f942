import type {
  Commit,
  Discussion,
  Issue,
  Label,
  MergeRequest,
  Note,
  Project,
  ProjectMember,
  Tag,
  Upload,
} from './port';

/** GitLab REST v4 JSON (snake_case) -> the port's types. Unknown input fields are ignored. */
type Raw = Record<string, unknown>;

const s = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
const n = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const sOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const raw = (v: unknown): Raw => (v && typeof v === 'object' ? (v as Raw) : {});

export function toProject(r: Raw): Project {
  return {
    id: n(r.id),
    pathWithNamespace: s(r.path_with_namespace),
    defaultBranch: sOrNull(r.default_branch),
    webUrl: s(r.web_url),
  };
}

export function toCommit(r: Raw): Commit {
  return { id: s(r.id), shortId: s(r.short_id), title: s(r.title), message: s(r.message) };
}

/** `state` is the user's (active, blocked, ...); `membership_state` (newer GitLab) the membership's. */
export function toProjectMember(r: Raw): ProjectMember {
  const membershipState = r.membership_state;
  return {
    userId: n(r.id),
    username: s(r.username),
    accessLevel: typeof r.access_level === 'number' ? r.access_level : 0,
    active: r.state === 'active' && (membershipState === undefined || membershipState === 'active'),
  };
}

export function toTag(r: Raw): Tag {
  const commit = raw(r.commit);
  return {
    name: s(r.name),
    target: s(r.target),
    commitId: s(commit.id) || s(r.target),
    message: typeof r.message === 'string' && r.message !== '' ? r.message : null,
  };
}

export function toIssue(r: Raw): Issue {
  return {
    id: n(r.id),
    iid: n(r.iid),
    projectId: n(r.project_id),
    title: s(r.title),
    description: sOrNull(r.description),
    state: r.state === 'closed' ? 'closed' : 'opened',
    labels: Array.isArray(r.labels) ? r.labels.map((l) => (typeof l === 'string' ? l : s(raw(l).name))) : [],
    webUrl: s(r.web_url),
  };
}

function toAuthor(v: unknown): { username: string; name: string } | null {
  if (!v || typeof v !== 'object') return null;
  const a = v as Raw;
  return { username: s(a.username), name: s(a.name) };
}

export function toNote(r: Raw): Note {
  return {
    id: n(r.id),
    body: s(r.body),
    system: r.system === true,
    internal: r.internal === true || r.confidential === true,
    createdAt: s(r.created_at),
    author: toAuthor(r.author),
  };
}

export function toMergeRequest(r: Raw): MergeRequest {
  const state = s(r.state);
  return {
    id: n(r.id),
    iid: n(r.iid),
    projectId: n(r.project_id),
    title: s(r.title),
    description: sOrNull(r.description),
    state: state === 'closed' || state === 'locked' || state === 'merged' ? state : 'opened',
    draft: r.draft === true || r.work_in_progress === true,
    sourceBranch: s(r.source_branch),
    targetBranch: s(r.target_branch),
    sourceProjectId: n(r.source_project_id),
    targetProjectId: n(r.target_project_id),
    webUrl: s(r.web_url),
  };
}

export function toDiscussion(r: Raw): Discussion {
  const notes = Array.isArray(r.notes) ? (r.notes as Raw[]) : [];
  return {
    id: s(r.id),
    individualNote: r.individual_note === true,
    notes: notes.map((note) => {
      const author = toAuthor(note.author);
      return {
        id: n(note.id),
        body: s(note.body),
        system: note.system === true,
        resolvable: note.resolvable === true,
        resolved: note.resolved === true,
        author: author ? { username: author.username } : null,
      };
    }),
  };
}

export function toLabel(r: Raw): Label {
  return { id: n(r.id), name: s(r.name), color: s(r.color) };
}

export function toUpload(r: Raw): Upload {
  return { url: s(r.url), markdown: s(r.markdown), fullPath: s(r.full_path) };
}
