import { notFound, sendJson, sendText } from '../http';
import type { ProjectRecord } from '../model';
import type { GitLabStore } from '../store';
import { route, type Route } from './route';

/** A project by id or URL-decoded path; 404 "404 Project Not Found" otherwise. */
export function projectOr404(store: GitLabStore, ref: string | undefined): ProjectRecord {
  const project = ref === undefined ? undefined : store.findProject(ref);
  if (!project) throw notFound('Project');
  return project;
}

export const projectRoutes: Route[] = [
  route('GET', '/projects/:id', (ctx, { store, ser }) => {
    sendJson(ctx.res, 200, ser.project(projectOr404(store, ctx.params[0])));
  }),

  route('GET', '/projects/:id/repository/commits/:sha', (ctx, { store, ser }) => {
    const project = projectOr404(store, ctx.params[0]);
    const commit = store.resolveRef(project, ctx.params[1] ?? '');
    if (!commit) throw notFound('Commit');
    sendJson(ctx.res, 200, ser.commit(project, commit));
  }),

  // Raw file: 404 "404 Commit Not Found" for an unknown ref, "404 File Not Found" for a missing file.
  route('GET', '/projects/:id/repository/files/:path/raw', (ctx, { store }) => {
    const project = projectOr404(store, ctx.params[0]);
    const ref = ctx.url.searchParams.get('ref') || project.defaultBranch;
    const commit = store.resolveRef(project, ref);
    if (!commit) throw notFound('Commit');
    const filePath = ctx.params[1] ?? '';
    const content = Object.prototype.hasOwnProperty.call(commit.tree, filePath)
      ? commit.tree[filePath]
      : undefined;
    if (content === undefined) throw notFound('File');
    sendText(ctx.res, 200, content, {
      'x-gitlab-file-path': filePath,
      'x-gitlab-file-name': filePath.split('/').pop() ?? filePath,
      'x-gitlab-commit-id': commit.id,
      'x-gitlab-ref': ref,
      'x-gitlab-size': String(Buffer.byteLength(content)),
    });
  }),

  route('GET', '/projects/:id/repository/branches/:branch', (ctx, { store, ser }) => {
    const project = projectOr404(store, ctx.params[0]);
    const sha = project.branches[ctx.params[1] ?? ''];
    const commit = sha ? store.findCommit(project, sha) : undefined;
    if (!commit) throw notFound('Branch');
    sendJson(ctx.res, 200, {
      name: ctx.params[1],
      merged: false,
      protected: ctx.params[1] === project.defaultBranch,
      default: ctx.params[1] === project.defaultBranch,
      commit: ser.commit(project, commit, false),
    });
  }),

  route('GET', '/version', (ctx) => {
    sendJson(ctx.res, 200, { version: '17.4.0-double', revision: 'double' });
  }),
];
