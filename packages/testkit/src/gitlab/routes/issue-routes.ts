import { apiError, bool, labelList, missing, sendJson, str } from '../http';
import type { IssueRecord, ProjectRecord } from '../model';
import { paginate } from '../paginate';
import type { GitLabStore } from '../store';
import { projectOr404 } from './project-routes';
import { route, type Route } from './route';

/** GitLab's documented limits. */
export const ISSUE_DESCRIPTION_LIMIT = 1_048_576;
export const NOTE_BODY_LIMIT = 1_000_000;

const EDIT_PARAMS = [
  'assignee_id',
  'assignee_ids',
  'confidential',
  'created_at',
  'description',
  'discussion_locked',
  'due_date',
  'labels',
  'add_labels',
  'remove_labels',
  'milestone_id',
  'state_event',
  'title',
  'issue_type',
];

export function issueOr404(project: ProjectRecord, iid: string | undefined): IssueRecord {
  const issue = project.issues.find((i) => String(i.iid) === iid);
  // lib/api/api.rb: ActiveRecord::RecordNotFound -> 404 {"message":"404 Not found"}
  if (!issue) throw apiError(404, '404 Not found');
  return issue;
}

function tooLong(field: string, max: number) {
  return apiError(400, { [field]: [`is too long (maximum is ${max} characters)`] });
}

function filterIssues(issues: IssueRecord[], input: Record<string, unknown>): IssueRecord[] {
  const state = str(input, 'state') ?? 'all';
  const labels = labelList(input, 'labels') ?? [];
  const search = str(input, 'search')?.toLowerCase();
  const fields = (str(input, 'in') ?? 'title,description').split(',').map((s) => s.trim());
  const iids = Array.isArray(input.iids) ? (input.iids as unknown[]).map(String) : undefined;
  const updatedAfter = str(input, 'updated_after')
    ? Date.parse(str(input, 'updated_after') ?? '')
    : undefined;
  return issues.filter((i) => {
    if (state !== 'all' && i.state !== state) return false;
    if (updatedAfter !== undefined && !(Date.parse(i.updatedAt) >= updatedAfter)) return false;
    if (iids && !iids.includes(String(i.iid))) return false;
    if (labels.length === 1 && labels[0]?.toLowerCase() === 'none') {
      if (i.labels.length > 0) return false;
    } else if (labels.length === 1 && labels[0]?.toLowerCase() === 'any') {
      if (i.labels.length === 0) return false;
    } else if (!labels.every((l) => i.labels.includes(l))) return false;
    if (search) {
      const hay = [
        fields.includes('title') ? i.title : '',
        fields.includes('description') ? (i.description ?? '') : '',
      ];
      if (!hay.some((h) => h.toLowerCase().includes(search))) return false;
    }
    return true;
  });
}

function changeState(store: GitLabStore, issue: IssueRecord, event: string | undefined): void {
  if (event === 'close' && issue.state !== 'closed') {
    issue.state = 'closed';
    issue.closedAt = store.timestamp();
    store.addNote(issue, { body: 'closed', system: true });
  } else if (event === 'reopen' && issue.state !== 'opened') {
    issue.state = 'opened';
    issue.closedAt = null;
    store.addNote(issue, { body: 'reopened', system: true });
  }
}

export const issueRoutes: Route[] = [
  route('GET', '/projects/:id/issues', (ctx, { store, ser }) => {
    const project = projectOr404(store, ctx.params[0]);
    const sort = str(ctx.input, 'sort') ?? 'desc';
    const found = filterIssues(project.issues, ctx.input);
    const ordered = sort === 'asc' ? found : [...found].reverse();
    const { page, headers } = paginate(ctx, ordered);
    sendJson(
      ctx.res,
      200,
      page.map((i) => ser.issue(project, i, 'list')),
      headers,
    );
  }),

  route('GET', '/projects/:id/issues/:iid', (ctx, { store, ser }) => {
    const project = projectOr404(store, ctx.params[0]);
    sendJson(ctx.res, 200, ser.issue(project, issueOr404(project, ctx.params[1])));
  }),

  route('POST', '/projects/:id/issues', (ctx, { store, ser }) => {
    const project = projectOr404(store, ctx.params[0]);
    const title = str(ctx.input, 'title');
    if (!title) throw missing('title');
    const description = str(ctx.input, 'description');
    if (description && description.length > ISSUE_DESCRIPTION_LIMIT)
      throw tooLong('description', ISSUE_DESCRIPTION_LIMIT);
    const issue = store.addIssue(project.id, {
      title,
      description: description ?? null,
      labels: labelList(ctx.input, 'labels'),
    });
    sendJson(ctx.res, 201, ser.issue(project, issue));
  }),

  // One PUT: labels (replace), add_labels (creating missing labels; scoped labels replace their scope),
  // remove_labels, state_event, title, description.
  route('PUT', '/projects/:id/issues/:iid', (ctx, { store, ser }) => {
    const project = projectOr404(store, ctx.params[0]);
    const issue = issueOr404(project, ctx.params[1]);
    if (!EDIT_PARAMS.some((p) => ctx.input[p] !== undefined))
      throw apiError(400, `${EDIT_PARAMS.join(', ')} are missing, at least one parameter must be provided`);
    const description = str(ctx.input, 'description');
    if (description && description.length > ISSUE_DESCRIPTION_LIMIT)
      throw tooLong('description', ISSUE_DESCRIPTION_LIMIT);
    const stateEvent = str(ctx.input, 'state_event');
    if (stateEvent !== undefined && stateEvent !== 'close' && stateEvent !== 'reopen')
      throw apiError(400, 'state_event does not have a valid value');

    const replace = labelList(ctx.input, 'labels');
    const add = labelList(ctx.input, 'add_labels') ?? [];
    const remove = labelList(ctx.input, 'remove_labels') ?? [];
    let labels = replace !== undefined ? store.withLabels([], replace) : issue.labels;
    labels = store.withLabels(labels, add).filter((l) => !remove.includes(l));
    store.ensureLabels(project, labels);
    issue.labels = labels;

    const title = str(ctx.input, 'title');
    if (title !== undefined) issue.title = title;
    if (description !== undefined) issue.description = description;
    changeState(store, issue, stateEvent);
    issue.updatedAt = store.timestamp();
    sendJson(ctx.res, 200, ser.issue(project, issue));
  }),

  route('GET', '/projects/:id/issues/:iid/notes', (ctx, { store, ser }) => {
    const project = projectOr404(store, ctx.params[0]);
    const issue = issueOr404(project, ctx.params[1]);
    const asc = str(ctx.input, 'sort') === 'asc';
    const notes = asc ? issue.notes : [...issue.notes].reverse();
    const { page, headers } = paginate(ctx, notes);
    sendJson(
      ctx.res,
      200,
      page.map((n) => ser.note(project, issue, n)),
      headers,
    );
  }),

  route('POST', '/projects/:id/issues/:iid/notes', (ctx, { store, ser }) => {
    const project = projectOr404(store, ctx.params[0]);
    const issue = issueOr404(project, ctx.params[1]);
    const body = str(ctx.input, 'body');
    if (!body) throw missing('body');
    if (body.length > NOTE_BODY_LIMIT) throw tooLong('note', NOTE_BODY_LIMIT);
    const internal = bool(ctx.input, 'internal') ?? bool(ctx.input, 'confidential') ?? false;
    const note = store.addNote(issue, { body, internal });
    issue.updatedAt = note.createdAt;
    sendJson(ctx.res, 201, ser.note(project, issue, note));
  }),
];
