import { findRaceFunction } from '../parse/find-race-function';
import type { Issue } from '@devops/gitlab';
import type { RaceAction } from '../issues/file-race-group';
import type { TextForm } from '../issues/render-race-text';
import type { ScannedTarget } from './advance-cursors';
import type { RaceGroup } from './race-group';

export interface ActionRecord {
  group: RaceGroup;
  /** `file`: dry run without GitLab settings, so create-or-comment is unknown. */
  action: RaceAction | 'file';
  issue: Issue | null;
  status: 'done' | 'failed' | 'planned';
  /** Set when GitLab refused the full text and a shorter form was filed. */
  form?: TextForm;
  error?: string;
}

export interface JsonReport {
  fingerprint: string;
  title: string;
  function: string;
  accesses: { kind: string; function: string; file: string | null; line: number | null }[];
  occurrences: number;
  sources: { path: string; line: number }[];
}

export interface JsonAction {
  action: ActionRecord['action'];
  status: ActionRecord['status'];
  fingerprint: string;
  title: string;
  occurrences: number;
  issue: { iid: number; url: string; state: string } | null;
  form?: TextForm;
  error?: string;
}

export interface Summary {
  files: number;
  bytesScanned: number;
  reportsFound: number;
  distinctRaces: number;
  issuesCreated: number;
  commented: number;
  reopened: number;
  failed: number;
  /** Reports of races beyond the per-run limit, left for the next run. */
  deferred: number;
  dryRun: boolean;
}

export interface RunResult {
  reports: JsonReport[];
  actions: JsonAction[];
  summary: Summary;
  failed: boolean;
}

export function toRunResult(input: {
  scanned: ScannedTarget[];
  groups: RaceGroup[];
  actions: ActionRecord[];
  bytesScanned: number;
  counts: { reports: number; deferred: number };
  failed: boolean;
  dryRun: boolean;
}): RunResult {
  const done = (a: string) => input.actions.filter((r) => r.status === 'done' && r.action === a).length;
  return {
    reports: input.groups.map((g) => ({
      fingerprint: g.fingerprint,
      title: g.title,
      function: g.function,
      accesses: g.accesses.map((a) => ({
        kind: a.kind,
        function: findRaceFunction(a),
        file: a.frames[0]?.file ?? null,
        line: a.frames[0]?.line ?? null,
      })),
      occurrences: g.occurrences,
      sources: g.sources,
    })),
    actions: input.actions.map((a) => ({
      action: a.action,
      status: a.status,
      fingerprint: a.group.fingerprint,
      title: a.group.title,
      occurrences: a.group.occurrences,
      issue: a.issue ? { iid: a.issue.iid, url: a.issue.webUrl, state: a.issue.state } : null,
      ...(a.form ? { form: a.form } : {}),
      ...(a.error ? { error: a.error } : {}),
    })),
    summary: {
      files: input.scanned.length,
      bytesScanned: input.bytesScanned,
      reportsFound: input.counts.reports,
      distinctRaces: input.groups.length,
      issuesCreated: done('create'),
      commented: done('comment') + done('reopen'),
      reopened: done('reopen'),
      failed: input.actions.filter((a) => a.status === 'failed').length,
      deferred: input.counts.deferred,
      dryRun: input.dryRun,
    },
    failed: input.failed,
  };
}

/** The human summary (stdout, or stderr with --json). */
export function formatSummary(result: RunResult): string {
  const s = result.summary;
  const lines = [
    `${s.dryRun ? '[dry run] ' : ''}scanned ${s.files} file(s), ${s.bytesScanned} byte(s); ` +
      `${s.reportsFound} race report(s), ${s.distinctRaces} distinct race(s); ` +
      `issues created ${s.issuesCreated}, commented ${s.commented}, reopened ${s.reopened}` +
      (s.failed ? `, failed ${s.failed}` : '') +
      (s.deferred ? `; ${s.deferred} report(s) of further races left for the next run` : ''),
  ];
  for (const a of result.actions) {
    const target = a.issue ? `issue #${a.issue.iid}` : 'a new issue';
    const verb =
      a.status === 'planned'
        ? a.action === 'file'
          ? 'would file (GitLab not configured: create or comment unknown)'
          : `would ${a.action} ${a.action === 'create' ? 'an issue' : target}`
        : a.status === 'failed'
          ? `FAILED to ${a.action} ${target}: ${a.error}`
          : `${a.action === 'create' ? 'created' : a.action === 'reopen' ? 'reopened and commented on' : 'commented on'} ${target}`;
    lines.push(`  ${a.title} [${a.fingerprint}] x${a.occurrences}: ${verb}`);
  }
  return `${lines.join('\n')}\n`;
}
