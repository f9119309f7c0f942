import type { RouteContext } from '../http';
import type { Serializer } from '../serialize';
import type { GitLabStore } from '../store';

export interface RouteDeps {
  store: GitLabStore;
  ser: Serializer;
  /** Bytes of an upload kept in memory (above it only size and sha256 are kept). */
  keepUploadBytesUpTo: number;
  /** Uploads over this many bytes answer 413 (GitLab's max_attachment_size); absent: no limit. */
  maxAttachmentBytes?: number;
}

export interface Route {
  method: string;
  pattern: RegExp;
  /** The handler reads the body itself (multipart). */
  streamsBody?: boolean;
  handle(ctx: RouteContext, deps: RouteDeps): Promise<void> | void;
}

/** `route('GET', '/projects/:id/issues/:iid', ...)`: `:x` matches one URL-encoded path segment. */
export function route(
  method: string,
  template: string,
  handle: Route['handle'],
  opts: { streamsBody?: boolean } = {},
): Route {
  const source = template.replace(/[.]/g, '\\.').replace(/:[a-z_]+/g, '([^/]+)');
  return { method, pattern: new RegExp(`^/api/v4${source}$`), handle, ...opts };
}
