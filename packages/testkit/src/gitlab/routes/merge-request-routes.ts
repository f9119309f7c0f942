import { apiError, bool, missing, sendJson, str } from '../http';
import type { DiscussionRecord, MergeRequestRecord, ProjectRecord } from '../model';
import { paginate } from '../paginate';
import { DOUBLE_USER } from '../store';
import { NOTE_BODY_LIMIT } from './issue-routes';
import { projectOr404 } from './project-routes';
import { route, type Route } from './route';

// GitLab's default closing pattern (simplified to same-project references: `#12`, `group/project#12`, issue URLs).
const CLOSING =
  /\b(?:clos(?:e[sd]?|ing)|fix(?:e[sd]|ing)?|resolv(?:e[sd]?|ing)|implement(?:s|ed|ing)?):?\s+((?:(?:issues?\s+)?(?:[\w./-]*#\d+|https?:\/\/\S+\/-\/issues\/\d+)(?:\s*,?\s*(?:and\s+)?)?)+)/gi;

/** The iids an MR closes on merge: explicit `closesIssues`, else parsed from its description. */
export function closingIssueIids(project: ProjectRecord, mr: MergeRequestRecord): number[] {
  if (mr.targetBranch !== project.defaultBranch) return [];
  if (mr.closesIssues) return mr.closesIssues;
  const iids = new Set<number>();
  for (const m of (mr.description ?? '').matchAll(CLOSING)) {
    for (const ref of (m[1] ?? '').matchAll(/(?:([\w./-]*)#(\d+))|(?:\/-\/issues\/(\d+))/g)) {
      if (ref[3]) iids.add(Number(ref[3]));
      else if (!ref[1] || ref[1] === project.path) iids.add(Number(ref[2]));
    }
  }
  return [...iids];
}

function mrOr404(project: ProjectRecord, iid: string | undefined): MergeRequestRecord {
  const mr = project.mergeRequests.find((m) => String(m.iid) === iid);
  if (!mr) throw apiError(404, '404 Not found');
  return mr;
}

function discussionOr404(mr: MergeRequestRecord, id: string | undefined): DiscussionRecord {
  const d = mr.discussions.find((x) => x.id === id);
  if (!d) throw apiError(404, '404 Not found');
  return d;
}

export const mergeRequestRoutes: Route[] = [
  route('GET', '/projects/:id/merge_requests/:iid', (ctx, { store, ser }) => {
    const project = projectOr404(store, ctx.params[0]);
    sendJson(ctx.res, 200, ser.mergeRequest(project, mrOr404(project, ctx.params[1])));
  }),

  route('GET', '/projects/:id/merge_requests/:iid/discussions', (ctx, { store, ser }) => {
    const project = projectOr404(store, ctx.params[0]);
    const mr = mrOr404(project, ctx.params[1]);
    const { page, headers } = paginate(ctx, mr.discussions);
    sendJson(
      ctx.res,
      200,
      page.map((d) => ser.discussion(project, mr, d)),
      headers,
    );
  }),

  // A thread on the MR's overview: resolvable, a DiscussionNote.
  route('POST', '/projects/:id/merge_requests/:iid/discussions', (ctx, { store, ser }) => {
    const project = projectOr404(store, ctx.params[0]);
    const mr = mrOr404(project, ctx.params[1]);
    const body = str(ctx.input, 'body');
    if (!body) throw missing('body');
    if (body.length > NOTE_BODY_LIMIT)
      throw apiError(400, { note: [`is too long (maximum is ${NOTE_BODY_LIMIT} characters)`] });
    const at = store.timestamp();
    const discussion: DiscussionRecord = {
      id: store.newDiscussionId(),
      individualNote: false,
      notes: [
        {
          id: store.nextNoteId(),
          type: 'DiscussionNote',
          body,
          system: false,
          internal: false,
          author: DOUBLE_USER,
          createdAt: at,
          updatedAt: at,
          resolvable: true,
          resolved: false,
          resolvedBy: null,
          resolvedAt: null,
        },
      ],
    };
    mr.discussions.push(discussion);
    sendJson(ctx.res, 201, ser.discussion(project, mr, discussion));
  }),

  route('PUT', '/projects/:id/merge_requests/:iid/discussions/:discussion', (ctx, { store, ser }) => {
    const project = projectOr404(store, ctx.params[0]);
    const mr = mrOr404(project, ctx.params[1]);
    const discussion = discussionOr404(mr, ctx.params[2]);
    const resolved = bool(ctx.input, 'resolved');
    if (resolved === undefined) throw missing('resolved');
    if (!discussion.notes.some((n) => n.resolvable))
      throw apiError(400, '400 (Bad request) discussion is not resolvable');
    const at = store.timestamp();
    for (const n of discussion.notes) {
      if (!n.resolvable) continue;
      n.resolved = resolved;
      n.resolvedBy = resolved ? DOUBLE_USER : null;
      n.resolvedAt = resolved ? at : null;
    }
    sendJson(ctx.res, 200, ser.discussion(project, mr, discussion));
  }),

  route('GET', '/projects/:id/merge_requests/:iid/closes_issues', (ctx, { store, ser }) => {
    const project = projectOr404(store, ctx.params[0]);
    const mr = mrOr404(project, ctx.params[1]);
    const iids = closingIssueIids(project, mr);
    const issues = project.issues.filter((i) => iids.includes(i.iid));
    const { page, headers } = paginate(ctx, issues);
    sendJson(
      ctx.res,
      200,
      page.map((i) => ser.issue(project, i, 'list')),
      headers,
    );
  }),
];
