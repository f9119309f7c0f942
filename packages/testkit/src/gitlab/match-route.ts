import { HttpError } from './http';
import type { Route } from './routes/route';

export interface RouteMatch {
  route: Route;
  /** The path's captures, still URL-encoded. */
  captures: string[];
}

/**
 * The double's route for `method` and `path`, or what GitLab answers when it has none
 * (`lib/api/api.rb`): a path served for other methods only is Grape's 405 `{"error":"405 Not Allowed"}`
 * with `Allow`; anything else falls to the API's catch-all `route :any, '*path'`, `error!('404 Not Found',
 * 404)`, which Grape's JSON error formatter sends as `{"error":"404 Not Found"}`. Neither authenticates:
 * the catch-all answers the same with or without a token.
 */
export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch | HttpError {
  const allowed = new Set<string>();
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    if (route.method === method) return { route, captures: m.slice(1) };
    allowed.add(route.method);
  }
  if (allowed.size === 0) return new HttpError(404, { error: '404 Not Found' });
  if (allowed.has('GET')) allowed.add('HEAD');
  allowed.add('OPTIONS');
  return new HttpError(405, { error: '405 Not Allowed' }, { allow: [...allowed].join(', ') });
}
