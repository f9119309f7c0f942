import { NotFoundError } from '@devops/errors';
import { createRequesterFn } from '@gitbeaker/requester-utils';
import {
  Commits,
  IssueNotes,
  Issues,
  MergeRequestDiscussions,
  MergeRequests,
  ProjectLabels,
  ProjectMembers,
  Projects,
  RepositoryFiles,
  Tags,
} from '@gitbeaker/rest';
import { createHttpLayer, type HttpLayer, type LogLike, type RequestBody } from './create-http-layer';
import type { GitLabPort, IssueChanges } from './port';
import type { RetryOptions } from '@devops/failures';
import {
  toCommit,
  toDiscussion,
  toIssue,
  toLabel,
  toMergeRequest,
  toNote,
  toProject,
  toProjectMember,
  toTag,
} from './to-port';
import { uploadFile } from './upload-file';
import { createCatchUpReads } from './create-catch-up-reads';

export interface GitLabOptions {
  /** GitLab base URL, e.g. https://gitlab.example.com (GITLAB_URL). */
  url: string;
  /** Access token with api scope (GITLAB_TOKEN); sent as PRIVATE-TOKEN, never logged. */
  token: string;
  log: LogLike;
  /** Per-attempt timeout (default 30 s). */
  timeoutMs?: number;
  /** Per-attempt timeout for uploads (default 10 min). */
  uploadTimeoutMs?: number;
  retry?: RetryOptions;
  /**
   * The process's shutdown signal (SIGTERM): a retry wait (a 120 s Retry-After) ends at once with a
   * TemporaryError, so a queued event stays queued. Requests already sent are not cut.
   */
  signal?: AbortSignal;
  /** Page size for list calls (default 100, GitLab's maximum). */
  perPage?: number;
}

type Raw = Record<string, unknown>;

/**
 * gitbeaker's requester with its own 429/502 retry loop and rate limiter replaced by our HTTP layer: one
 * attempt per call of the layer, so nothing is retried twice.
 */
function gitbeakerRequester(http: HttpLayer) {
  const handler = async (endpoint: string, options?: Record<string, unknown>) => {
    const o = options ?? {};
    const prefix = String(o.prefixUrl ?? '');
    const url = new URL(endpoint, prefix.endsWith('/') ? prefix : `${prefix}/`);
    url.search = typeof o.searchParams === 'string' ? o.searchParams : '';
    const body = o.body as RequestBody | undefined;
    return http.send({
      method: String(o.method ?? 'GET'),
      url,
      headers: (o.headers as Record<string, string>) ?? {},
      ...(body !== undefined ? { body: () => body } : {}),
      asText: /\/raw$/.test(url.pathname),
    });
  };
  return createRequesterFn(
    (_service, options) => Promise.resolve(options),
    handler as unknown as Parameters<typeof createRequesterFn>[1],
  );
}

/** The GitLab port over @gitbeaker/rest: see port.ts for the contract and README.md for the decisions. */
export function createGitLab(opts: GitLabOptions): GitLabPort {
  const base = opts.url.replace(/\/+$/, '');
  const scrub = (text: string) => (opts.token ? text.split(opts.token).join('[REDACTED]') : text);
  const http = createHttpLayer({
    timeoutMs: opts.timeoutMs ?? 30_000,
    retry: { ...opts.retry, ...(opts.signal ? { signal: opts.signal } : {}) },
    log: opts.log,
    scrub,
  });
  // queryTimeout 0: no gitbeaker-wide abort signal; the HTTP layer times each attempt instead.
  const config = { host: base, token: opts.token, requesterFn: gitbeakerRequester(http), queryTimeout: 0 };
  const api = {
    projects: new Projects(config),
    files: new RepositoryFiles(config),
    commits: new Commits(config),
    tags: new Tags(config),
    issues: new Issues(config),
    notes: new IssueNotes(config),
    mrs: new MergeRequests(config),
    discussions: new MergeRequestDiscussions(config),
    labels: new ProjectLabels(config),
    members: new ProjectMembers(config),
  };
  const perPage = opts.perPage ?? 100;
  const rows = (v: unknown): Raw[] => (Array.isArray(v) ? (v as Raw[]) : []);
  const one = (v: unknown): Raw => v as Raw;
  const orNull = async <T>(p: Promise<T>): Promise<T | null> => {
    try {
      return await p;
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  };

  const port: GitLabPort = {
    ...createCatchUpReads({ http, base, token: opts.token, perPage }),

    getProject: async (project) => toProject(one(await api.projects.show(project))),

    readFile: async (project, filePath, ref) => {
      const body = await orNull(api.files.showRaw(project, filePath, ref) as Promise<unknown>);
      return body === null ? null : String(body);
    },

    getCommit: async (project, sha) => toCommit(one(await api.commits.show(project, sha))),

    getProjectMember: async (project, userId) => {
      const member = await orNull(
        api.members.show(project, userId, { includeInherited: true }) as Promise<unknown>,
      );
      return member === null ? null : toProjectMember(one(member));
    },

    listTags: async (project, o = {}) =>
      rows(await api.tags.all(project, { perPage, ...(o.search ? { search: o.search } : {}) })).map(toTag),

    getTag: async (project, name) => {
      const tag = await orNull(api.tags.show(project, name) as Promise<unknown>);
      return tag === null ? null : toTag(one(tag));
    },

    listTagsPage: async (project, q) => {
      const { data, paginationInfo } = (await api.tags.all(project, {
        ...(q.search ? { search: q.search } : {}),
        ...(q.orderBy ? { orderBy: q.orderBy } : {}),
        ...(q.sort ? { sort: q.sort } : {}),
        page: q.page,
        perPage: Math.min(q.perPage ?? perPage, 100),
        showExpanded: true,
      })) as unknown as { data: unknown; paginationInfo: { next: number | null } };
      return { tags: rows(data).map(toTag), nextPage: paginationInfo.next ?? null };
    },

    listTagNamesContaining: async (project, sha) =>
      rows(await api.commits.allReferences(project, sha, { type: 'tag', perPage }))
        .filter((r) => r.type === 'tag')
        .map((r) => String(r.name)),

    createTag: async (project, tag) =>
      toTag(
        one(await api.tags.create(project, tag.name, tag.ref, tag.message ? { message: tag.message } : {})),
      ),

    listIssues: async (project, q = {}) =>
      rows(
        await api.issues.all({
          projectId: project,
          perPage,
          ...(q.labels?.length ? { labels: q.labels.join(',') } : {}),
          ...(q.state ? { state: q.state === 'all' ? undefined : q.state } : {}),
          ...(q.search ? { search: q.search } : {}),
          ...(q.in ? { in: q.in } : {}),
        } as Parameters<typeof api.issues.all>[0]),
      ).map(toIssue),

    getIssue: async (project, iid) => {
      const issue = await orNull(api.issues.show(iid, { projectId: project }) as Promise<unknown>);
      return issue === null ? null : toIssue(one(issue));
    },

    createIssue: async (project, issue) =>
      toIssue(
        one(
          await api.issues.create(project, issue.title, {
            ...(issue.description !== undefined ? { description: issue.description } : {}),
            ...(issue.labels?.length ? { labels: issue.labels.join(',') } : {}),
          }),
        ),
      ),

    editIssue: async (project, iid, changes) => {
      const body = editBody(changes);
      if (Object.keys(body).length === 0) {
        const current = await port.getIssue(project, iid);
        if (!current) throw new NotFoundError(`GitLab issue ${String(project)}#${iid} does not exist`);
        return current;
      }
      return toIssue(one(await api.issues.edit(project, iid, body)));
    },

    listIssueNotes: async (project, iid) =>
      rows(await api.notes.all(project, iid, { perPage, sort: 'asc', orderBy: 'created_at' })).map(toNote),

    createIssueNote: async (project, iid, body, o = {}) =>
      toNote(one(await api.notes.create(project, iid, body, o.internal ? { internal: true } : {}))),

    getMergeRequest: async (project, iid) => toMergeRequest(one(await api.mrs.show(project, iid))),

    listMergeRequestDiscussions: async (project, iid) =>
      rows(await api.discussions.all(project, iid, { perPage })).map(toDiscussion),

    createMergeRequestDiscussion: async (project, iid, body) =>
      toDiscussion(one(await api.discussions.create(project, iid, body))),

    resolveMergeRequestDiscussion: async (project, iid, discussionId, resolved) => {
      await api.discussions.resolve(project, iid, discussionId, resolved);
    },

    listMergeRequestClosingIssues: async (project, iid) =>
      rows(
        await api.mrs.allIssuesClosed(project, iid, { perPage } as unknown as Parameters<
          typeof api.mrs.allIssuesClosed
        >[2]),
      ).map(toIssue),

    listLabels: async (project) => rows(await api.labels.all(project, { perPage })).map(toLabel),

    createLabel: async (project, label) =>
      toLabel(
        one(
          await api.labels.create(
            project,
            label.name,
            label.color,
            label.description ? { description: label.description } : {},
          ),
        ),
      ),

    uploadFile: (project, file) =>
      uploadFile(
        http,
        {
          url: new URL(`${base}/api/v4/projects/${encodeURIComponent(String(project))}/uploads`),
          headers: { 'private-token': opts.token },
          timeoutMs: opts.uploadTimeoutMs ?? 600_000,
        },
        file,
      ),
  };
  return port;
}

/** The port's changes -> one PUT body (gitbeaker decamelizes: addLabels -> add_labels). */
function editBody(c: IssueChanges): Record<string, string> {
  const body: Record<string, string> = {};
  if (c.title !== undefined) body.title = c.title;
  if (c.description !== undefined) body.description = c.description;
  if (c.addLabels?.length) body.addLabels = c.addLabels.join(',');
  if (c.removeLabels?.length) body.removeLabels = c.removeLabels.join(',');
  if (c.stateEvent) body.stateEvent = c.stateEvent;
  return body;
}
