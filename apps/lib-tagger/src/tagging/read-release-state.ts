import type { ProjectRef, Tag } from '@devops/gitlab';
import { compareVersions } from '../version/compare-versions';
import { findHighestRelease } from '../version/find-highest-release';
import { parseReleaseTag, type ReleaseTag } from '../version/parse-release-tag';
import type { TaggerGitLab } from './tagger-gitlab';

export interface ReleaseState {
  /** The highest release with the prefix, or null when there is none. */
  highest: ReleaseTag | null;
  /** The highest release tag (without build metadata) that points at the commit, or null. */
  onCommit: ReleaseTag | null;
  /** Release tags that contain the commit without pointing at it (the commit is older than them). */
  containedIn: string[];
  /** The highest release below `onCommit` among the tags read (its "previous"), or null. */
  belowOnCommit: ReleaseTag | null;
}

/** GitLab's page size maximum: the fewer pages, the fewer requests. */
export const TAG_PAGE_SIZE = 100;

/**
 * Everything lib-tagger needs to know about the existing tags, in as few requests as possible:
 *
 * 1. Tags with the prefix, highest version first (`order_by=version&sort=desc`, 100 per page), read
 *    page by page only until one page holds a release: the first release in that order is the highest,
 *    however many tags the project has. Pre-release and non-semver tags above it are skipped over.
 *    If the highest release points at the commit, the answer is complete (a rerun: 1 request).
 * 2. Otherwise, the tags that contain the commit (`commits/:sha/refs?type=tag`): usually none for a new
 *    commit, which proves no tag points at it. Any release among them whose commit is not yet known is
 *    looked up (further pages, then single tags) — only when an old commit's pipeline is rerun.
 */
export async function readReleaseState(deps: {
  gitlab: TaggerGitLab;
  project: ProjectRef;
  prefix: string;
  sha: string;
}): Promise<ReleaseState> {
  const { gitlab, project, prefix, sha } = deps;
  const seen = new Map<string, Tag>();
  const search = prefix ? { search: `^${prefix}` } : {};
  let nextPage: number | null = 1;
  const readPage = async (page: number) => {
    const result = await gitlab.listTagsPage(project, {
      ...search,
      orderBy: 'version',
      sort: 'desc',
      page,
      perPage: TAG_PAGE_SIZE,
    });
    for (const tag of result.tags) seen.set(tag.name, tag);
    nextPage = result.nextPage;
  };

  while (nextPage !== null && !findHighestRelease(seen.keys(), prefix)) await readPage(nextPage);
  const highest = findHighestRelease(seen.keys(), prefix);
  const pointsHere = (tag: Tag | undefined) => tag !== undefined && sameCommit(tag.commitId, sha);

  if (highest && highest.build === null && pointsHere(seen.get(highest.name))) {
    return {
      highest,
      onCommit: highest,
      containedIn: [],
      belowOnCommit: highestBelow(seen.keys(), prefix, highest),
    };
  }

  const containing = (await gitlab.listTagNamesContaining(project, sha)).filter((n) =>
    parseReleaseTag(n, prefix),
  );
  const unknown = () => containing.filter((n) => !seen.has(n));
  while (nextPage !== null && unknown().length > 0) await readPage(nextPage);
  for (const name of unknown()) {
    const tag = await gitlab.getTag(project, name);
    if (tag) seen.set(name, tag);
  }

  const here = [...seen.values()].filter((t) => pointsHere(t)).map((t) => t.name);
  const onCommit = findHighestRelease(
    here.filter((n) => parseReleaseTag(n, prefix)?.build === null),
    prefix,
  );
  return {
    highest,
    onCommit,
    containedIn: containing.filter((n) => !here.includes(n)),
    belowOnCommit: onCommit ? highestBelow(seen.keys(), prefix, onCommit) : null,
  };
}

/** CI_COMMIT_SHA is the full id; a short one still matches its commit. */
export function sameCommit(commitId: string, sha: string): boolean {
  return commitId.toLowerCase().startsWith(sha.toLowerCase());
}

function highestBelow(names: Iterable<string>, prefix: string, top: ReleaseTag): ReleaseTag | null {
  const lower = [...names].filter((n) => {
    const t = parseReleaseTag(n, prefix);
    return t !== null && compareVersions(t, top) < 0;
  });
  return findHighestRelease(lower, prefix);
}
