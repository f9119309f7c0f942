import type { HttpLayer } from './create-http-layer';
import type { ActiveProject, Branch, CatchUpReads, ChangedIssue, ChangedMergeRequest } from './catch-up-port';
import { toMergeRequest } from './to-port';

type Raw = Record<string, unknown>;
const s = (v: unknown): string => (typeof v === 'string' ? v : v == null ? '' : String(v));
const raw = (v: unknown): Raw => (v && typeof v === 'object' ? (v as Raw) : {});

function toChangedMergeRequest(r: Raw): ChangedMergeRequest {
  const full = s(raw(r.references).full);
  const author = raw(r.author);
  return {
    ...toMergeRequest(r),
    projectPath: full.includes('!') ? full.slice(0, full.lastIndexOf('!')) : '',
    updatedAt: s(r.updated_at),
    sha: typeof r.sha === 'string' && r.sha ? r.sha : null,
    authorId: typeof author.id === 'number' ? author.id : null,
  };
}

function toActiveProject(r: Raw): ActiveProject {
  return {
    id: Number(r.id),
    pathWithNamespace: s(r.path_with_namespace),
    lastActivityAt: s(r.last_activity_at) || s(r.created_at),
  };
}

function toBranch(r: Raw): Branch {
  const commit = raw(r.commit);
  return {
    name: s(r.name),
    commitId: s(commit.id),
    committedAt: s(commit.committed_date) || s(commit.created_at),
  };
}

function toChangedIssue(r: Raw): ChangedIssue {
  return {
    iid: Number(r.iid),
    projectId: Number(r.project_id),
    title: s(r.title),
    description: typeof r.description === 'string' ? r.description : null,
    state: r.state === 'closed' ? 'closed' : 'opened',
    webUrl: s(r.web_url),
    updatedAt: s(r.updated_at),
    closedAt: typeof r.closed_at === 'string' ? r.closed_at : null,
  };
}

const id = (ref: string | number) => encodeURIComponent(String(ref));

/**
 * The catch-up reads over the port's HTTP layer (timeouts, retries honouring Retry-After, failures
 * sorted), with GitLab's offset pagination read page by page so a read can stop early.
 */
export function createCatchUpReads(opts: {
  http: HttpLayer;
  base: string;
  token: string;
  perPage: number;
}): CatchUpReads {
  async function page(path: string, query: Record<string, string>, n: number) {
    const url = new URL(`${opts.base}/api/v4${path}`);
    for (const [k, v] of Object.entries({ ...query, per_page: String(opts.perPage), page: String(n) }))
      url.searchParams.set(k, v);
    const answer = await opts.http.send({ method: 'GET', url, headers: { 'private-token': opts.token } });
    const rows = Array.isArray(answer.body) ? (answer.body as Raw[]) : [];
    const next = Number(answer.headers['x-next-page'] ?? '');
    return { rows, next: Number.isInteger(next) && next > n ? next : null };
  }
  /** Every page; `stop(row)` true ends the read after the page holding that row. */
  async function all(path: string, query: Record<string, string>, stop?: (r: Raw) => boolean) {
    const out: Raw[] = [];
    for (let n: number | null = 1; n !== null; ) {
      const got = await page(path, query, n);
      for (const r of got.rows) {
        if (stop?.(r)) return out;
        out.push(r);
      }
      n = got.next;
    }
    return out;
  }

  return {
    async listMergeRequestsUpdatedAfter(scope, since) {
      const path =
        'group' in scope
          ? `/groups/${id(scope.group)}/merge_requests`
          : `/projects/${id(scope.project)}/merge_requests`;
      const rows = await all(path, {
        scope: 'all',
        state: 'all',
        updated_after: since.toISOString(),
        order_by: 'updated_at',
        sort: 'asc',
      });
      return rows.map(toChangedMergeRequest);
    },

    async listProjectsActiveAfter(group, since) {
      const rows = await all(
        `/groups/${id(group)}/projects`,
        {
          include_subgroups: 'true',
          order_by: 'last_activity_at',
          sort: 'desc',
          simple: 'true',
          archived: 'false',
        },
        (r) => Date.parse(s(r.last_activity_at)) < since.getTime(),
      );
      return rows.map(toActiveProject);
    },

    async getProjectActivity(project) {
      const url = new URL(`${opts.base}/api/v4/projects/${id(project)}`);
      const answer = await opts.http.send({ method: 'GET', url, headers: { 'private-token': opts.token } });
      return toActiveProject(raw(answer.body));
    },

    async listBranches(project) {
      return (await all(`/projects/${id(project)}/repository/branches`, {})).map(toBranch);
    },

    async listIssuesUpdatedAfter(project, since, labels) {
      const rows = await all(`/projects/${id(project)}/issues`, {
        state: 'all',
        updated_after: since.toISOString(),
        order_by: 'updated_at',
        sort: 'asc',
        ...(labels.length ? { labels: labels.join(',') } : {}),
      });
      return rows.map(toChangedIssue);
    },
  };
}
