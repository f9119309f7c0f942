import { ConflictError, RefusedError, TemporaryError } from '@devops/errors';
import type { ProjectRef } from '@devops/gitlab';
import { checkGoMajorPath, type GoModuleCheck } from '../go/check-go-major-path';
import { decideBump, type BumpMode } from '../version/decide-bump';
import { formatVersion } from '../version/format-version';
import { nextVersion } from '../version/next-version';
import type { Version } from '../version/parse-release-tag';
import { readReleaseState, sameCommit } from './read-release-state';
import type { TaggerGitLab } from './tagger-gitlab';

export interface TagReleaseOptions {
  project: ProjectRef;
  sha: string;
  /** CI_COMMIT_BRANCH: unset on tag and merge request pipelines. */
  branch: string | undefined;
  defaultBranch: string;
  /** CI_COMMIT_MESSAGE; read from the API when absent. */
  message: string | undefined;
  prefix: string;
  initial: Version;
  bump: BumpMode;
  dryRun: boolean;
  /** How often a tag name taken by a concurrent pipeline is recomputed (default 5). */
  maxAttempts?: number;
}

export interface LogLike {
  info(message: string, meta?: Record<string, unknown>): unknown;
  warn(message: string, meta?: Record<string, unknown>): unknown;
  debug(message: string, meta?: Record<string, unknown>): unknown;
}

export type TagOutcome =
  | { status: 'skipped'; reason: string; sha: string }
  | {
      /** created: this run made it; existing: the commit already had it (step 2);
       *  concurrent: another pipeline for this commit made it first; dry-run: would be created. */
      status: 'created' | 'existing' | 'concurrent' | 'dry-run';
      tag: string;
      previous: string | null;
      sha: string;
    };

/** Steps 1–5 of SPEC "lib-tagger": decide, guard, create, and settle races with other pipelines. */
export async function tagRelease(
  deps: { gitlab: TaggerGitLab; log: LogLike },
  o: TagReleaseOptions,
): Promise<TagOutcome> {
  const { gitlab, log } = deps;
  if (o.branch === undefined || o.branch !== o.defaultBranch) {
    const reason =
      o.branch === undefined
        ? `CI_COMMIT_BRANCH is not set (a tag or merge request pipeline), only the default branch ${o.defaultBranch} is tagged`
        : `branch ${o.branch} is not the default branch ${o.defaultBranch}`;
    log.info(`skipped: ${reason}`);
    return { status: 'skipped', reason, sha: o.sha };
  }

  let sha = o.sha;
  let message = o.message;
  if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(sha)) {
    // A short SHA could also be read as a branch or tag name: resolve it to the commit first.
    const commit = await gitlab.getCommit(o.project, sha);
    if (!sameCommit(commit.id, sha))
      throw new RefusedError(`CI_COMMIT_SHA ${sha} does not name a commit (it resolved to ${commit.id})`);
    sha = commit.id;
    message ??= commit.message;
  }
  const short = sha.slice(0, 8);
  const maxAttempts = o.maxAttempts ?? 5;
  const goChecks = new Map<number, GoModuleCheck>();

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const state = await readReleaseState({ gitlab, project: o.project, prefix: o.prefix, sha });
    if (state.onCommit) {
      const status = attempt === 1 ? 'existing' : 'concurrent';
      log.info(`commit ${short} already carries release tag ${state.onCommit.name}: nothing to create`);
      return { status, tag: state.onCommit.name, previous: state.belowOnCommit?.name ?? null, sha };
    }

    if (message === undefined) message = (await gitlab.getCommit(o.project, sha)).message;
    const bump = decideBump(message, o.bump);
    const version = nextVersion(state.highest, bump, o.initial);
    const tag = `${o.prefix}${formatVersion(version)}`;
    const previous = state.highest?.name ?? null;
    const why = previous ? `${bump} bump from ${previous}` : `first release (LIB_TAGGER_INITIAL)`;
    if (state.containedIn.length > 0) {
      log.warn(
        `commit ${short} is older than release ${state.containedIn.join(', ')} (already contained in it); ` +
          `tagging it ${tag} releases older code under a newer version. Pipelines ran out of order: ` +
          `set the resource group's process mode to oldest_first.`,
      );
    }

    if (version.major >= 2)
      await guardGoModule({ gitlab, log, goChecks }, o, { sha, tag, major: version.major, why });

    if (o.dryRun) {
      log.info(`dry run: would create tag ${tag} on ${short} (${why}); nothing was written`);
      return { status: 'dry-run', tag, previous, sha };
    }

    try {
      await gitlab.createTag(o.project, { name: tag, ref: sha, message: message.trim() ? message : tag });
      log.info(`created tag ${tag} on ${short} (${why})`);
      return { status: 'created', tag, previous, sha };
    } catch (err) {
      if (!(err instanceof ConflictError)) {
        // A timeout or 5xx may hide a tag that was created after all: look before failing.
        if (!(err instanceof TemporaryError)) throw err;
        const landed = await gitlab.getTag(o.project, tag).catch(() => null);
        if (!landed || !sameCommit(landed.commitId, sha)) throw err;
        log.info(`created tag ${tag} on ${short} (${why}; GitLab's answer was lost, the tag is there)`);
        return { status: 'created', tag, previous, sha };
      }
    }

    const existing = await gitlab.getTag(o.project, tag);
    if (existing && sameCommit(existing.commitId, sha)) {
      log.info(`tag ${tag} was created on ${short} by a concurrent pipeline for the same commit`);
      return { status: 'concurrent', tag, previous, sha };
    }
    log.warn(
      `tag ${tag} was taken by another pipeline (on ${existing?.commitId.slice(0, 8) ?? 'a commit since deleted'}); ` +
        `recomputing (attempt ${attempt} of ${maxAttempts})`,
    );
  }
  throw new Error(
    `gave up after ${maxAttempts} attempts: each tag name lib-tagger computed was taken by another pipeline first. ` +
      `No tag was created on ${short}; run the job again (and serialise it with resource_group: lib-tagger).`,
  );
}

async function guardGoModule(
  deps: { gitlab: TaggerGitLab; log: LogLike; goChecks: Map<number, GoModuleCheck> },
  o: TagReleaseOptions,
  t: { sha: string; tag: string; major: number; why: string },
): Promise<void> {
  const folder = o.prefix.includes('/') ? o.prefix.slice(0, o.prefix.lastIndexOf('/')) : '';
  const goModPath = folder ? `${folder}/go.mod` : 'go.mod';
  let check = deps.goChecks.get(t.major);
  if (!check) {
    const text = await deps.gitlab.readFile(o.project, goModPath, t.sha);
    check = checkGoMajorPath(text, { major: t.major, tag: t.tag, goModPath });
    deps.goChecks.set(t.major, check);
  }
  if (!check.ok) throw new RefusedError(`${check.reason} (The version comes from a ${t.why}.)`);
  if (check.note) deps.log.warn(check.note);
}
