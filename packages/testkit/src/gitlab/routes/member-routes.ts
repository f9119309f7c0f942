import { apiError, HttpError, sendJson, str, type RouteContext } from '../http';
import type { MemberRecord } from '../member-book';
import { paginate } from '../paginate';
import { projectOr404 } from './project-routes';
import { route, type Route } from './route';

/**
 * `lib/api/members.rb` with `Entities::Member` (UserBasic merged with the membership), as gitlab.com
 * answers: id, username, name, state, locked, avatar_url, web_url, access_level, created_at, expires_at,
 * membership_state. `email` and `group_saml_identity` of the docs' example are shown only to group
 * owners of enterprise users and SAML groups; the double has neither.
 */
function serializeMember(m: MemberRecord, baseUrl: string) {
  return {
    id: m.user.id,
    username: m.user.username,
    name: m.user.name,
    state: m.userState,
    locked: false,
    avatar_url: null,
    web_url: `${baseUrl}/${m.user.username}`,
    access_level: m.accessLevel,
    created_at: m.createdAt,
    expires_at: m.expiresAt,
    membership_state: m.membershipState,
  };
}

/** Grape's `requires :user_id, type: Integer`: anything else is 400 `{"error":"user_id is invalid"}`. */
function userId(ctx: RouteContext): number {
  const raw = ctx.params[1] ?? '';
  if (!/^\d+$/.test(raw)) throw new HttpError(400, { error: 'user_id is invalid' });
  return Number(raw);
}

/** `query` (name or username contains) and `user_ids` (comma-separated or `user_ids[]`), as GitLab filters. */
function filterMembers(ctx: RouteContext, members: MemberRecord[]): MemberRecord[] {
  const query = str(ctx.input, 'query')?.toLowerCase();
  const rawIds = ctx.input.user_ids;
  const ids =
    rawIds === undefined
      ? null
      : new Set(
          (Array.isArray(rawIds) ? rawIds : String(rawIds).split(','))
            .map((v) => Number(String(v).trim()))
            .filter(Number.isInteger),
        );
  return members.filter(
    (m) =>
      (!query ||
        m.user.username.toLowerCase().includes(query) ||
        m.user.name.toLowerCase().includes(query)) &&
      (!ids || ids.has(m.user.id)),
  );
}

function one(ctx: RouteContext, members: MemberRecord[]): void {
  const id = userId(ctx);
  const member = members.find((m) => m.user.id === id);
  // `members.find_by!` raises RecordNotFound, which lib/api/api.rb answers with lower-case "found".
  if (!member) throw apiError(404, '404 Not found');
  sendJson(ctx.res, 200, serializeMember(member, ctx.baseUrl));
}

function list(ctx: RouteContext, members: MemberRecord[]): void {
  const { page, headers } = paginate(ctx, filterMembers(ctx, members));
  sendJson(
    ctx.res,
    200,
    page.map((m) => serializeMember(m, ctx.baseUrl)),
    headers,
  );
}

/** Project members, direct (`/members`) and with those inherited from the project's groups (`/members/all`). */
export const memberRoutes: Route[] = [
  // `/members/all` before `/members/:user_id`, as GitLab declares them.
  route('GET', '/projects/:id/members/all', (ctx, { store }) =>
    list(ctx, store.members.all(projectOr404(store, ctx.params[0]))),
  ),
  route('GET', '/projects/:id/members/all/:user_id', (ctx, { store }) =>
    one(ctx, store.members.all(projectOr404(store, ctx.params[0]))),
  ),
  route('GET', '/projects/:id/members', (ctx, { store }) =>
    list(ctx, store.members.direct(projectOr404(store, ctx.params[0]))),
  ),
  route('GET', '/projects/:id/members/:user_id', (ctx, { store }) =>
    one(ctx, store.members.direct(projectOr404(store, ctx.params[0]))),
  ),
];
