import type { GitLabPort, MergeRequest } from '@devops/gitlab';
import type { Logger } from '@devops/logger';
import { NotFoundError } from '@devops/errors';
import { extractVersion } from './version/extract-version';
import { lineOf, versionsMatch, type MatchLevel } from './version/compare-versions';
import { planThreads } from './threads/plan-threads';
import { composeThreadBody } from './threads/compose-thread-body';

export interface VersionCheckConfig {
  VERSION_FILE: string;
  VERSION_PATTERN?: RegExp;
  VERSION_MATCH: MatchLevel;
}

export interface CheckOutcome {
  result: 'unreadable' | 'match' | 'mismatch' | 'closed';
  posted: boolean;
  resolved: number;
}

async function readVersion(
  gitlab: GitLabPort,
  config: VersionCheckConfig,
  project: number,
  branch: string,
  log: Logger,
): Promise<string | null> {
  const content = await gitlab.readFile(project, config.VERSION_FILE, branch);
  if (content === null) {
    log.warn(`no ${config.VERSION_FILE} on branch ${branch} of project ${project}: version not checked`);
    return null;
  }
  const version = extractVersion(content, config.VERSION_PATTERN);
  if (version === null || lineOf(version, 'major') === null) {
    log.warn(
      `${config.VERSION_FILE} on branch ${branch} of project ${project} holds no version ` +
        `matching VERSION_PATTERN${version === null ? '' : ` (captured "${version}")`}: version not checked`,
    );
    return null;
  }
  return version;
}

/**
 * Compares the release versions of a merge request's source and target
 * branches and brings its version-check threads in line, reading the merge
 * request's current branches from GitLab (the event may have waited in the
 * spool). Idempotent: it decides from the threads already on the MR.
 */
export async function checkMergeRequest(deps: {
  gitlab: GitLabPort;
  config: VersionCheckConfig;
  log: Logger;
  project: number;
  iid: number;
}): Promise<CheckOutcome> {
  const { gitlab, config, log, project, iid } = deps;
  let mr: MergeRequest;
  try {
    mr = await gitlab.getMergeRequest(project, iid);
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    log.warn(`merge request !${iid} of project ${project} no longer exists: nothing to check`);
    return { result: 'closed', posted: false, resolved: 0 };
  }
  if (mr.state !== 'opened') {
    log.info(`merge request !${iid} is ${mr.state}: nothing to check`);
    return { result: 'closed', posted: false, resolved: 0 };
  }
  const [source, target] = await Promise.all([
    readVersion(gitlab, config, mr.sourceProjectId, mr.sourceBranch, log),
    readVersion(gitlab, config, mr.targetProjectId, mr.targetBranch, log),
  ]);
  if (source === null || target === null) return { result: 'unreadable', posted: false, resolved: 0 };

  const match = versionsMatch(source, target, config.VERSION_MATCH);
  const pair = { source, target };
  const discussions = await gitlab.listMergeRequestDiscussions(project, iid);
  const plan = planThreads(discussions, match ? null : pair, config.VERSION_MATCH);

  if (plan.post) {
    const body = composeThreadBody({
      pair,
      sourceBranch: mr.sourceBranch,
      targetBranch: mr.targetBranch,
      versionFile: config.VERSION_FILE,
      level: config.VERSION_MATCH,
    });
    await gitlab.createMergeRequestDiscussion(project, iid, body);
    log.info(
      `opened a version thread on !${iid}: ${source} (${mr.sourceBranch}) → ${target} (${mr.targetBranch})`,
    );
  } else if (!match) {
    log.info(`!${iid}: ${source} → ${target} differ, a thread for this pair is already there`);
  }
  for (const id of plan.resolve) {
    await gitlab.resolveMergeRequestDiscussion(project, iid, id, true);
  }
  if (plan.resolve.length > 0) {
    log.info(`resolved ${plan.resolve.length} outdated version thread(s) on !${iid}`);
  }
  if (match && plan.resolve.length === 0) log.info(`!${iid}: versions ${source} and ${target} agree`);
  return { result: match ? 'match' : 'mismatch', posted: plan.post, resolved: plan.resolve.length };
}
