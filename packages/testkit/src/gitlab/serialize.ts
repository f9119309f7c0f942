import { lastActivity } from './last-activity';
import type {
  CommitRecord,
  DiscussionNoteRecord,
  DiscussionRecord,
  IssueRecord,
  LabelRecord,
  MergeRequestRecord,
  NoteRecord,
  Person,
  ProjectRecord,
  TagRecord,
  UploadRecord,
} from './model';

/** Record -> the JSON GitLab's REST v4 returns (field names and types as in GitLab's documented examples). */
export interface Serializer {
  project(p: ProjectRecord): object;
  commit(p: ProjectRecord, c: CommitRecord, detail?: boolean): object;
  tag(p: ProjectRecord, t: TagRecord, commit: CommitRecord | undefined): object;
  /** `list`: as in list endpoints (has_tasks/task_status, no `subscribed`); `single`: GET/POST/PUT one issue. */
  issue(p: ProjectRecord, i: IssueRecord, view?: 'list' | 'single'): object;
  note(p: ProjectRecord, i: IssueRecord, n: NoteRecord): object;
  mergeRequest(p: ProjectRecord, mr: MergeRequestRecord): object;
  discussion(p: ProjectRecord, mr: MergeRequestRecord, d: DiscussionRecord): object;
  label(p: ProjectRecord, l: LabelRecord): object;
  upload(p: ProjectRecord, u: UploadRecord): object;
}

export function createSerializer(baseUrl: () => string): Serializer {
  const web = (p: ProjectRecord) => `${baseUrl()}/${p.path}`;
  const api = (p: ProjectRecord) => `${baseUrl()}/api/v4/projects/${p.id}`;
  const user = (u: Person) => ({
    id: u.id,
    username: u.username,
    name: u.name,
    state: 'active',
    avatar_url: null,
    web_url: `${baseUrl()}/${u.username}`,
  });
  const noteAuthor = (u: Person) => ({
    id: u.id,
    username: u.username,
    email: `${u.username}@example.com`,
    name: u.name,
    state: 'active',
    created_at: '2024-01-01T00:00:00.000Z',
  });
  const commitBasics = (c: CommitRecord) => ({
    id: c.id,
    short_id: c.shortId,
    title: c.title,
    created_at: c.createdAt,
    parent_ids: c.parentIds,
    message: c.message,
    author_name: c.authorName,
    author_email: c.authorEmail,
    authored_date: c.createdAt,
    committer_name: c.authorName,
    committer_email: c.authorEmail,
    committed_date: c.createdAt,
  });

  return {
    project: (p) => ({
      id: p.id,
      description: null,
      name: p.name,
      name_with_namespace: p.path.split('/').join(' / '),
      path: p.path.split('/').pop(),
      path_with_namespace: p.path,
      created_at: p.createdAt,
      last_activity_at: lastActivity(p),
      default_branch: p.defaultBranch,
      ssh_url_to_repo: `git@${new URL(baseUrl()).host}:${p.path}.git`,
      http_url_to_repo: `${web(p)}.git`,
      web_url: web(p),
      visibility: 'private',
      namespace: {
        id: p.id + 1000,
        name: p.path.split('/').slice(0, -1).pop() ?? '',
        path: p.path.split('/').slice(0, -1).pop() ?? '',
        kind: 'group',
        full_path: p.path.split('/').slice(0, -1).join('/'),
      },
      _links: {
        self: api(p),
        issues: `${api(p)}/issues`,
        merge_requests: `${api(p)}/merge_requests`,
        repo_branches: `${api(p)}/repository/branches`,
        labels: `${api(p)}/labels`,
      },
    }),

    commit: (p, c, detail = true) => ({
      ...commitBasics(c),
      ...(detail
        ? {
            last_pipeline: null,
            stats: { additions: 0, deletions: 0, total: 0 },
            status: null,
            web_url: `${web(p)}/-/commit/${c.id}`,
          }
        : {}),
    }),

    tag: (_p, t, commit) => ({
      commit: commit ? commitBasics(commit) : null,
      release: null,
      name: t.name,
      target: t.target,
      message: t.message,
      protected: false,
      created_at: t.createdAt,
    }),

    issue: (p, i, view = 'single') => ({
      ...(view === 'list' ? taskFields(i.description) : { subscribed: false }),
      id: i.id,
      iid: i.iid,
      project_id: p.id,
      title: i.title,
      description: i.description,
      state: i.state,
      created_at: i.createdAt,
      updated_at: i.updatedAt,
      closed_at: i.closedAt,
      closed_by: i.state === 'closed' ? user(i.author) : null,
      labels: [...i.labels],
      milestone: null,
      assignees: [],
      assignee: null,
      author: user(i.author),
      type: 'ISSUE',
      user_notes_count: i.notes.filter((n) => !n.system).length,
      merge_requests_count: 0,
      upvotes: 0,
      downvotes: 0,
      due_date: null,
      confidential: false,
      discussion_locked: false,
      issue_type: 'issue',
      severity: 'UNKNOWN',
      web_url: `${web(p)}/-/issues/${i.iid}`,
      references: { short: `#${i.iid}`, relative: `#${i.iid}`, full: `${p.path}#${i.iid}` },
      time_stats: {
        time_estimate: 0,
        total_time_spent: 0,
        human_time_estimate: null,
        human_total_time_spent: null,
      },
      task_completion_status: taskCompletion(i.description),
      imported: false,
      imported_from: 'none',
      _links: {
        self: `${api(p)}/issues/${i.iid}`,
        notes: `${api(p)}/issues/${i.iid}/notes`,
        award_emoji: `${api(p)}/issues/${i.iid}/award_emoji`,
        project: api(p),
        closed_as_duplicate_of: null,
      },
    }),

    note: (p, i, n) => ({
      id: n.id,
      type: null,
      body: n.body,
      attachment: null,
      author: noteAuthor(n.author),
      created_at: n.createdAt,
      updated_at: n.updatedAt,
      system: n.system,
      noteable_id: i.id,
      noteable_type: 'Issue',
      project_id: p.id,
      noteable_iid: i.iid,
      resolvable: false,
      confidential: n.internal,
      internal: n.internal,
      imported: false,
      imported_from: 'none',
    }),

    mergeRequest: (p, mr) => ({
      id: mr.id,
      iid: mr.iid,
      project_id: p.id,
      title: mr.title,
      description: mr.description,
      state: mr.state,
      created_at: mr.createdAt,
      updated_at: mr.updatedAt,
      merged_at: null,
      closed_at: null,
      target_branch: mr.targetBranch,
      source_branch: mr.sourceBranch,
      source_project_id: mr.sourceProjectId,
      target_project_id: mr.targetProjectId,
      labels: [...mr.labels],
      draft: mr.draft,
      work_in_progress: mr.draft,
      author: user(mr.author),
      assignees: [],
      reviewers: [],
      merge_status: 'can_be_merged',
      detailed_merge_status: 'mergeable',
      sha: p.branches[mr.sourceBranch] ?? null,
      merge_commit_sha: null,
      squash_commit_sha: null,
      user_notes_count: mr.discussions.reduce((n, d) => n + d.notes.length, 0),
      should_remove_source_branch: null,
      force_remove_source_branch: false,
      squash: false,
      web_url: `${web(p)}/-/merge_requests/${mr.iid}`,
      references: { short: `!${mr.iid}`, relative: `!${mr.iid}`, full: `${p.path}!${mr.iid}` },
    }),

    discussion: (p, mr, d) => ({
      id: d.id,
      individual_note: d.individualNote,
      notes: d.notes.map((n: DiscussionNoteRecord) => ({
        id: n.id,
        type: n.type,
        body: n.body,
        attachment: null,
        author: user(n.author),
        created_at: n.createdAt,
        updated_at: n.updatedAt,
        system: n.system,
        noteable_id: mr.id,
        noteable_type: 'MergeRequest',
        project_id: p.id,
        noteable_iid: mr.iid,
        resolved: n.resolved,
        resolvable: n.resolvable,
        resolved_by: n.resolvedBy ? user(n.resolvedBy) : null,
        resolved_at: n.resolvedAt,
      })),
    }),

    label: (p, l) => {
      const issues = p.issues.filter((i) => i.labels.includes(l.name));
      return {
        id: l.id,
        name: l.name,
        color: l.color,
        text_color: '#FFFFFF',
        description: l.description,
        description_html: l.description ?? null,
        open_issues_count: issues.filter((i) => i.state === 'opened').length,
        closed_issues_count: issues.filter((i) => i.state === 'closed').length,
        open_merge_requests_count: p.mergeRequests.filter(
          (m) => m.state === 'opened' && m.labels.includes(l.name),
        ).length,
        subscribed: false,
        priority: l.priority,
        is_project_label: true,
        archived: false,
      };
    },

    upload: (p, u) => {
      const url = `/uploads/${u.secret}/${u.filename}`;
      const alt = u.filename.replace(/\.[^.]*$/, '');
      const image = /^image\//.test(u.contentType) || /\.(png|jpe?g|gif|svg|webp|bmp|ico)$/i.test(u.filename);
      return {
        id: u.id,
        alt,
        url,
        full_path: `/-/project/${p.id}/uploads/${u.secret}/${u.filename}`,
        markdown: image ? `![${alt}](${url})` : `[${u.filename}](${url})`,
      };
    },
  };
}

function taskCompletion(description: string | null): { count: number; completed_count: number } {
  const items = (description ?? '').match(/^\s*[-*+] \[[ xX]\]/gm) ?? [];
  return { count: items.length, completed_count: items.filter((t) => /\[[xX]\]/.test(t)).length };
}

function taskFields(description: string | null): { has_tasks: boolean; task_status: string } {
  const t = taskCompletion(description);
  return {
    has_tasks: t.count > 0,
    task_status: `${t.completed_count} of ${t.count} checklist items completed`,
  };
}
