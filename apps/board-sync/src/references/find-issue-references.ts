import { issueNumberFromBranch } from './issue-number-from-branch';
import { stripCode } from './strip-code';

export interface IssueReference {
  /** Full project path, e.g. `group/sub/project` (or a numeric id). */
  project: string | number;
  iid: number;
}

export interface ReferenceContext {
  /** The merge request's project (`group/sub/project`): `#12` and `project#12` are relative to it. */
  projectPath: string;
  /** GITLAB_URL: only issue URLs on this host (and under its path) count. */
  gitlabUrl: string;
}

const URL_RE = /\bhttps?:\/\/[^\s<>()[\]"'`]+/gi;
const SEGMENT = '[A-Za-z0-9_][A-Za-z0-9_.-]*';
// `#12`, `project#12`, `group/sub/project#12`; not after a path character or
// `#`/`!`/`&`/`@` (so `!12`, `##12` and `a@b#1` do not count), not followed by
// a word character (`#12abc`).
const SHORT_RE = new RegExp(
  `(?<![A-Za-z0-9_./#!&@-])(?:(${SEGMENT}(?:/${SEGMENT})*))?#(\\d{1,9})(?![\\w])`,
  'g',
);

function issueFromUrl(raw: string, base: URL): IssueReference | null {
  let url: URL;
  try {
    url = new URL(raw.replace(/[.,;:!?]+$/, ''));
  } catch {
    return null;
  }
  if (url.host.toLowerCase() !== base.host.toLowerCase()) return null;
  const basePath = base.pathname.replace(/\/+$/, '');
  if (basePath && !url.pathname.startsWith(`${basePath}/`)) return null;
  const m = /^\/(.+?)\/-\/(?:issues|work_items)\/(\d{1,9})\/?$/.exec(url.pathname.slice(basePath.length));
  if (!m) return null;
  const iid = Number(m[2]);
  return iid > 0 ? { project: decodeURIComponent(m[1]!), iid } : null;
}

function resolveProject(path: string | undefined, projectPath: string): string {
  if (path === undefined) return projectPath;
  if (path.includes('/')) return path;
  const namespace = projectPath.includes('/') ? projectPath.slice(0, projectPath.lastIndexOf('/')) : '';
  return namespace ? `${namespace}/${path}` : path;
}

/** References in one Markdown text (a title or a description). */
function findInText(text: string, ctx: ReferenceContext, base: URL): IssueReference[] {
  const found: IssueReference[] = [];
  const plain = stripCode(text).replace(URL_RE, (raw) => {
    const ref = issueFromUrl(raw, base);
    if (ref) found.push(ref);
    // Blank the URL so numbers in it (`v1.2#3` in a fragment) are not read as references.
    return ' ';
  });
  for (const m of plain.matchAll(SHORT_RE)) {
    const iid = Number(m[2]);
    if (iid > 0) found.push({ project: resolveProject(m[1], ctx.projectPath), iid });
  }
  return found;
}

/**
 * The issues a merge request refers to, in order of first mention, each once:
 * from its title and description (`#12`, `project#12` in the merge request's
 * namespace, `group/sub/project#12`, and issue URLs on this GitLab,
 * `/-/issues/12` and `/-/work_items/12`, ignoring code spans and fenced
 * blocks and `!12`), and from its source branch (`12-…`, `…/12-…`), which
 * names an issue of the merge request's own project.
 */
export function findIssueReferences(
  mr: { title?: string | null; description?: string | null; sourceBranch?: string | null },
  ctx: ReferenceContext,
): IssueReference[] {
  const base = new URL(ctx.gitlabUrl);
  const all = [...findInText(mr.title ?? '', ctx, base), ...findInText(mr.description ?? '', ctx, base)];
  const branchIssue = mr.sourceBranch ? issueNumberFromBranch(mr.sourceBranch) : null;
  if (branchIssue !== null) all.push({ project: ctx.projectPath, iid: branchIssue });

  const seen = new Set<string>();
  return all.filter((ref) => {
    const key = `${String(ref.project).toLowerCase()}#${ref.iid}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
