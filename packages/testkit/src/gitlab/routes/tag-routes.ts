import { badRequest, missing, notFound, sendJson, str } from '../http';
import type { TagRecord } from '../model';
import { paginate } from '../paginate';
import { projectOr404 } from './project-routes';
import { route, type Route } from './route';

/** GitLab's tag search: `^term` begins with, `term$` ends with, otherwise contains. */
export function matchesTagSearch(name: string, search: string): boolean {
  const starts = search.startsWith('^');
  const ends = search.endsWith('$');
  const term = search.slice(starts ? 1 : 0, ends ? -1 : undefined);
  if (starts && ends) return name === term;
  if (starts) return name.startsWith(term);
  if (ends) return name.endsWith(term);
  return name.includes(term);
}

function sortTags(tags: TagRecord[], orderBy: string, sort: string): TagRecord[] {
  // insertion order stands in for "updated" (newest last)
  let out = [...tags];
  if (orderBy === 'name') out.sort((a, b) => a.name.localeCompare(b.name));
  else if (orderBy === 'version')
    out.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true, sensitivity: 'base' }));
  if (sort !== 'asc') out = out.reverse();
  return out;
}

export const tagRoutes: Route[] = [
  route('GET', '/projects/:id/repository/tags', (ctx, { store, ser }) => {
    const project = projectOr404(store, ctx.params[0]);
    const search = str(ctx.input, 'search');
    const matching = search ? project.tags.filter((t) => matchesTagSearch(t.name, search)) : project.tags;
    const sorted = sortTags(
      matching,
      str(ctx.input, 'order_by') ?? 'updated',
      str(ctx.input, 'sort') ?? 'desc',
    );
    const { page, headers } = paginate(ctx, sorted);
    sendJson(
      ctx.res,
      200,
      page.map((t) => ser.tag(project, t, store.findCommit(project, t.commitId))),
      headers,
    );
  }),

  route('GET', '/projects/:id/repository/tags/:name', (ctx, { store, ser }) => {
    const project = projectOr404(store, ctx.params[0]);
    const tag = project.tags.find((t) => t.name === ctx.params[1]);
    if (!tag) throw notFound('Tag');
    sendJson(ctx.res, 200, ser.tag(project, tag, store.findCommit(project, tag.commitId)));
  }),

  // "Get references a commit is pushed to" (doc/api/commits.md): branches and tags that *contain* the commit
  // (point at it or at a descendant), as Gitaly's ListBranchNamesContainingCommit / ListTagNamesContainingCommit.
  route('GET', '/projects/:id/repository/commits/:sha/refs', (ctx, { store }) => {
    const project = projectOr404(store, ctx.params[0]);
    const commit = store.resolveRef(project, ctx.params[1] ?? '');
    if (!commit) throw notFound('Commit');
    const type = str(ctx.input, 'type') ?? 'all';
    if (!['branch', 'tag', 'all'].includes(type)) throw badRequest('type does not have a valid value');
    const contains = (tipId: string): boolean => {
      const todo = [tipId];
      const seen = new Set<string>();
      while (todo.length) {
        const id = todo.pop()!;
        if (id === commit.id) return true;
        if (seen.has(id)) continue;
        seen.add(id);
        todo.push(...(store.findCommit(project, id)?.parentIds ?? []));
      }
      return false;
    };
    const refs = [
      ...(type === 'tag'
        ? []
        : Object.entries(project.branches)
            .filter(([, head]) => contains(head))
            .map(([name]) => ({ type: 'branch', name }))),
      ...(type === 'branch'
        ? []
        : project.tags.filter((t) => contains(t.commitId)).map((t) => ({ type: 'tag', name: t.name }))),
    ];
    const { page, headers } = paginate(ctx, refs);
    sendJson(ctx.res, 200, page, headers);
  }),

  // Errors as lib/api/tags.rb renders them: every service failure is a 400 with the service's message.
  route('POST', '/projects/:id/repository/tags', (ctx, { store, ser }) => {
    const project = projectOr404(store, ctx.params[0]);
    const name = str(ctx.input, 'tag_name');
    const ref = str(ctx.input, 'ref');
    if (!name) throw missing('tag_name');
    if (!ref) throw missing('ref');
    if (!/^[^\s~^:?*[\\]+$/.test(name) || name.endsWith('.') || name.includes('..'))
      throw badRequest('Tag name invalid');
    if (project.tags.some((t) => t.name === name)) throw badRequest(`Tag ${name} already exists`);
    if (!store.resolveRef(project, ref)) throw badRequest(`Target ${ref} is invalid`);
    const tag = store.addTag(project.id, { name, ref, message: str(ctx.input, 'message') ?? null });
    sendJson(ctx.res, 201, ser.tag(project, tag, store.findCommit(project, tag.commitId)));
  }),
];
