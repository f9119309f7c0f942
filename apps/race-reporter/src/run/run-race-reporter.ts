import type { GitLabPort, Issue, ProjectRef } from '@devops/gitlab';
import type { Logger } from '@devops/logger';
import { chooseAction } from '../issues/file-race-group';
import { ensureLabels } from '../issues/ensure-labels';
import { indexRaceIssues } from '../issues/index-race-issues';
import { recoverPending } from '../issues/recover-pending';
import type { StateStore } from '../state/state-store';
import { advanceCursors } from './advance-cursors';
import { fileRaces } from './file-races';
import { toRunResult, type ActionRecord, type RunResult } from './run-result';
import { scanTargets } from './scan-targets';

/** Distinct races filed per run; reports of further races wait for the next run (bounded memory and writes). */
export const MAX_RACES_PER_RUN = 100;

export interface RunOptions {
  patterns: string[];
  cwd: string;
  store: StateStore;
  dryRun: boolean;
  host: string;
  labels: string[];
  /**
   * null: GitLab not configured (only allowed with dryRun). `connect` gives the GitLab client; it
   * is called once, when the run first needs GitLab (after the scan, unless pending creations must
   * be recovered first), so a run with nothing to file never loads it.
   */
  gitlab: { connect: () => Promise<GitLabPort>; project: ProjectRef } | null;
  log: Logger;
  now: () => Date;
  maxRaces?: number;
}

/** One run: lock, read what is new, file one issue or comment per distinct race, save cursors. */
export async function runRaceReporter(opts: RunOptions): Promise<RunResult> {
  const release = opts.dryRun ? null : await opts.store.lock();
  try {
    return await runLocked(opts);
  } finally {
    await release?.();
  }
}

async function runLocked(opts: RunOptions): Promise<RunResult> {
  const { log, gitlab } = opts;
  log.debug(`state in ${opts.store.where}`);
  const state = await opts.store.load();
  let issues: Map<string, Issue> | null = null;
  let client: Promise<GitLabPort> | null = null;
  const connect = () => (client ??= gitlab!.connect());
  const listIssues = async () =>
    (issues ??= await indexRaceIssues(await connect(), gitlab!.project, opts.labels));

  if (state.pending.length > 0 && gitlab && !opts.dryRun) {
    await recoverPending({
      state,
      gitlab: await connect(),
      project: gitlab.project,
      issues: await listIssues(),
      log,
    });
  }

  const maxRaces = opts.maxRaces ?? MAX_RACES_PER_RUN;
  const { scanned, bytesScanned, aggregator } = await scanTargets({ ...opts, state, maxRaces });
  const groups = aggregator.groups();
  const now = opts.now();
  let actions: ActionRecord[] = [];
  let failed = false;

  if (gitlab && groups.length > 0) await listIssues();
  if (opts.dryRun) {
    actions = groups.map((g) => {
      const issue = issues?.get(g.fingerprint);
      return {
        group: g,
        action: issues ? chooseAction(issue) : 'file',
        issue: issue ?? null,
        status: 'planned',
      };
    });
  } else {
    if (!gitlab) throw new Error('GitLab settings are required to file races');
    const pending = [...state.pending];
    const filed = new Set<string>();
    const save = () =>
      opts.store.save({
        version: 1,
        cursors: advanceCursors(scanned, groups, filed, now, aggregator.deferredFrom()),
        pending,
      });
    if (groups.length > 0) {
      if (groups.some((g) => !issues!.has(g.fingerprint)))
        await ensureLabels(await connect(), gitlab.project, opts.labels, log);
      ({ actions, failed } = await fileRaces({
        groups,
        issues: issues!,
        gitlab: { port: await connect(), project: gitlab.project },
        labels: opts.labels,
        host: opts.host,
        now,
        log,
        pending,
        filed,
        save,
      }));
    }
    await save();
  }

  return toRunResult({
    scanned,
    groups,
    actions,
    bytesScanned,
    counts: aggregator.counts(),
    failed,
    dryRun: opts.dryRun,
  });
}
