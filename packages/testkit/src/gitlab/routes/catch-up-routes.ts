import { apiError, sendJson, str } from '../http';
import { lastActivity } from '../last-activity';
import type { MergeRequestRecord, ProjectRecord } from '../model';
import { paginate } from '../paginate';
import type { GitLabStore } from '../store';
import { projectOr404 } from './project-routes';
import { route, type Route } from './route';

/**
 * What a catch-up pass reads, from GitLab's API docs: merge request lists of a project and of a group
 * (subgroups included) filtered by `updated_after`/`state`, a group's projects ordered by
 * `last_activity_at`, and a project's branches with their head commits. A group is a namespace path
 * ("group" or "group/sub"): the double has no group records, and answers 404 for a path no project is under.
 */

function groupProjects(store: GitLabStore, ref: string | undefined, subgroups: boolean): ProjectRecord[] {
  const path = ref ?? '';
  const all = store.projects.filter((p) => p.path.startsWith(`${path}/`));
  if (all.length === 0) throw apiError(404, '404 Group Not Found');
  return subgroups ? all : all.filter((p) => !p.path.slice(path.length + 1).includes('/'));
}

function time(input: Record<string, unknown>, name: string): number | undefined {
  const raw = str(input, name);
  if (raw === undefined || raw === '') return undefined;
  const t = Date.parse(raw);
  if (Number.isNaN(t)) throw apiError(400, `${name} is invalid`);
  return t;
}

function filterMergeRequests(
  list: MergeRequestRecord[],
  input: Record<string, unknown>,
): MergeRequestRecord[] {
  const state = str(input, 'state') ?? 'all';
  const after = time(input, 'updated_after');
  const before = time(input, 'updated_before');
  const found = list.filter((m) => {
    if (state !== 'all' && m.state !== state) return false;
    const at = Date.parse(m.updatedAt);
    if (after !== undefined && at < after) return false; // GitLab: updated_at >= updated_after
    if (before !== undefined && at > before) return false;
    return true;
  });
  const key = str(input, 'order_by') === 'updated_at' ? 'updatedAt' : 'createdAt';
  const asc = str(input, 'sort') === 'asc';
  return found.sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : a.id - b.id) * (asc ? 1 : -1));
}

export const catchUpRoutes: Route[] = [
  route('GET', '/projects/:id/merge_requests', (ctx, { store, ser }) => {
    const project = projectOr404(store, ctx.params[0]);
    const { page, headers } = paginate(ctx, filterMergeRequests(project.mergeRequests, ctx.input));
    sendJson(
      ctx.res,
      200,
      page.map((m) => ser.mergeRequest(project, m)),
      headers,
    );
  }),

  route('GET', '/groups/:id/merge_requests', (ctx, { store, ser }) => {
    const projects = groupProjects(store, ctx.params[0], true);
    const all = projects.flatMap((p) => p.mergeRequests);
    const { page, headers } = paginate(ctx, filterMergeRequests(all, ctx.input));
    sendJson(
      ctx.res,
      200,
      page.map((m) => ser.mergeRequest(store.project(m.projectId), m)),
      headers,
    );
  }),

  route('GET', '/groups/:id/projects', (ctx, { store, ser }) => {
    const subgroups = str(ctx.input, 'include_subgroups') === 'true';
    const projects = groupProjects(store, ctx.params[0], subgroups).map((p) => ({ p, at: lastActivity(p) }));
    const orderBy = str(ctx.input, 'order_by') ?? 'created_at';
    const asc = str(ctx.input, 'sort') === 'asc';
    const value = (x: { p: ProjectRecord; at: string }) =>
      orderBy === 'last_activity_at'
        ? x.at
        : orderBy === 'id'
          ? String(x.p.id).padStart(12, '0')
          : x.p.createdAt;
    projects.sort(
      (a, b) => (value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : a.p.id - b.p.id) * (asc ? 1 : -1),
    );
    const { page, headers } = paginate(ctx, projects);
    sendJson(
      ctx.res,
      200,
      page.map(({ p }) => ser.project(p)),
      headers,
    );
  }),

  route('GET', '/projects/:id/repository/branches', (ctx, { store, ser }) => {
    const project = projectOr404(store, ctx.params[0]);
    const search = str(ctx.input, 'search');
    const names = Object.keys(project.branches)
      .filter((n) => !search || n.includes(search))
      .sort();
    const { page, headers } = paginate(ctx, names);
    sendJson(
      ctx.res,
      200,
      page.map((name) => {
        const commit = store.findCommit(project, project.branches[name] ?? '');
        return {
          name,
          merged: false,
          protected: name === project.defaultBranch,
          default: name === project.defaultBranch,
          developers_can_push: false,
          developers_can_merge: false,
          can_push: true,
          web_url: `${ctx.baseUrl}/${project.path}/-/tree/${encodeURIComponent(name)}`,
          commit: commit ? ser.commit(project, commit, false) : null,
        };
      }),
      headers,
    );
  }),
];
