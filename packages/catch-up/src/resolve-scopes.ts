import { NotFoundError } from '@devops/errors';
import type { CatchUpScope, GitLabPort } from '@devops/gitlab';

/**
 * RECONCILE_SCOPE's entries as scopes: each is a project or a group (paths and ids alike). A project is
 * tried first (`GET /projects/:id`); a 404 means a group. Answers are remembered for the process, so
 * only the first pass pays for them. Empty setting: the projects events came from.
 */
export function createScopeResolver(gitlab: GitLabPort) {
  const known = new Map<string, CatchUpScope>();
  return async function resolveScopes(
    entries: string[],
    seen: () => Promise<string[]>,
  ): Promise<CatchUpScope[]> {
    if (entries.length === 0) return (await seen()).map((p) => ({ project: p }));
    const out: CatchUpScope[] = [];
    for (const entry of entries) {
      let scope = known.get(entry);
      if (!scope) {
        try {
          await gitlab.getProject(entry);
          scope = { project: entry };
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
          scope = { group: entry };
        }
        known.set(entry, scope);
      }
      out.push(scope);
    }
    return out;
  };
}
