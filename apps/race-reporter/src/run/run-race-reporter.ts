import type { GitLabPort, Issue, ProjectRef } from '@devops/gitlab';
import type { Logger } from '@devops/logger';
import { describeError } from '@devops/errors';
import { expandPatterns, planScan } from '../files/plan-scan';
import { hashHead } from '../files/hash-head';
import { scanLogFile } from '../files/scan-log-file';
import { ensureLabels } from '../issues/ensure-labels';
import { chooseAction, fileRaceGroup } from '../issues/file-race-group';
import { indexRaceIssues } from '../issues/index-race-issues';
import { recoverPending } from '../issues/recover-pending';
import { acquireLock } from '../state/acquire-lock';
import { loadState } from '../state/load-state';
import { saveState } from '../state/save-state';
import { advanceCursors, type ScannedTarget } from './advance-cursors';
import { createRaceAggregator } from './aggregate-races';
import { toRunResult, type ActionRecord, type RunResult } from './run-result';

export interface RunOptions {
  patterns: string[];
  cwd: string;
  statePath: string;
  dryRun: boolean;
  host: string;
  labels: string[];
  /** null: GitLab not configured (only allowed with dryRun). */
  gitlab: { port: GitLabPort; project: ProjectRef } | null;
  log: Logger;
  now: () => Date;
}

/** One run: lock, read what is new, file one issue or comment per distinct race, save cursors. */
export async function runRaceReporter(opts: RunOptions): Promise<RunResult> {
  const lock = opts.dryRun ? null : await acquireLock(`${opts.statePath}.lock`, { now: opts.now });
  try {
    return await runLocked(opts);
  } finally {
    await lock?.release();
  }
}

async function runLocked(opts: RunOptions): Promise<RunResult> {
  const { log, gitlab } = opts;
  const state = await loadState(opts.statePath);
  let issues: Map<string, Issue> | null = null;
  const listIssues = async () =>
    (issues ??= await indexRaceIssues(gitlab!.port, gitlab!.project, opts.labels));

  if (state.pending.length > 0 && gitlab && !opts.dryRun) {
    await recoverPending({
      state,
      gitlab: gitlab.port,
      project: gitlab.project,
      issues: await listIssues(),
      log,
    });
  }

  const { files, unmatched } = await expandPatterns(opts.patterns, opts.cwd);
  for (const p of unmatched) log.warn(`no log file matches ${p}`);
  const { targets, dropped } = await planScan({ files, cursors: state.cursors, log });
  for (const c of dropped) log.info(`${c.path} (read to byte ${c.offset}) is gone: forgetting its cursor`);

  const aggregator = createRaceAggregator();
  const scanned: ScannedTarget[] = [];
  let bytesScanned = 0;
  let abandoned = 0;
  for (const target of targets) {
    if (target.unchanged) {
      const old = state.cursors.find((c) => c.id === target.cursorId)!;
      scanned.push({ target, safe: target.start, end: target.previousEnd, head: old.head });
      continue;
    }
    const scan = await scanLogFile(target.path, target.start, (raw) => aggregator.add(raw, target));
    bytesScanned += Math.max(0, scan.bytesScanned);
    abandoned += scan.abandoned;
    const head = await hashHead(target.path);
    scanned.push({ target, safe: scan.safe, end: scan.endOffset, head });
    log.debug(`read ${target.path} from byte ${target.start.offset} to ${scan.endOffset}`, {
      reports: scan.found,
    });
  }
  if (abandoned > 0)
    log.warn(`${abandoned} "WARNING: DATA RACE" block(s) never closed within 5000 lines: not reports`);

  const groups = aggregator.groups();
  const filed = new Set<string>();
  const actions: ActionRecord[] = [];
  const now = opts.now();
  let failed = false;

  if (gitlab && groups.length > 0) await listIssues();
  if (opts.dryRun) {
    for (const g of groups) {
      const issue = issues ? (issues as Map<string, Issue>).get(g.fingerprint) : undefined;
      actions.push({
        group: g,
        action: issues ? chooseAction(issue) : 'file',
        issue: issue ?? null,
        status: 'planned',
      });
    }
  } else {
    if (!gitlab) throw new Error('GitLab settings are required to file races');
    const pending = [...state.pending];
    const save = () =>
      saveState(opts.statePath, {
        version: 1,
        cursors: advanceCursors(scanned, groups, filed, now),
        pending,
      });
    if (groups.some((g) => !issues!.has(g.fingerprint)))
      await ensureLabels(gitlab.port, gitlab.project, opts.labels, log);
    for (const group of groups) {
      try {
        const { action, issue } = await fileRaceGroup({
          group,
          issue: issues!.get(group.fingerprint),
          gitlab: gitlab.port,
          project: gitlab.project,
          labels: opts.labels,
          host: opts.host,
          now,
          journal: async (intent) => {
            pending.push(intent);
            await save();
          },
        });
        pending.pop();
        filed.add(group.fingerprint);
        actions.push({ group, action, issue, status: 'done' });
        log.info(
          `${action === 'create' ? 'created' : action === 'reopen' ? 'reopened' : 'commented on'} issue #${issue.iid} for ${group.title}`,
          {
            fingerprint: group.fingerprint,
            occurrences: group.occurrences,
          },
        );
        // No save here: the next race's journal save (or the one after the loop) records this one as
        // done. A crash in between leaves its intent, which the next run settles by its batch marker.
      } catch (err) {
        failed = true;
        const issue = issues!.get(group.fingerprint) ?? null;
        actions.push({
          group,
          action: chooseAction(issue ?? undefined),
          issue,
          status: 'failed',
          error: describeError(err),
        });
        log.error(
          `could not file ${group.title} (${group.fingerprint}): ${describeError(err)}; its reports stay for the next run`,
        );
      }
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
