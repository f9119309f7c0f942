import type { Summary } from '../run/run-result';

/** What one run leaves for Prometheus. */
export interface RunOutcome {
  /** When the run ended. */
  at: Date;
  /** Finished without a failure (a refused run, exit 2, records nothing). */
  success: boolean;
  /** Absent when the run failed before it had counted anything (e.g. a damaged state file). */
  summary?: Summary;
}

/** The metric names, fixed: alerts and dashboards query them (README, Metrics). */
export const METRICS = {
  lastSuccess: 'race_reporter_last_success_timestamp_seconds',
  lastRun: 'race_reporter_last_run_timestamp_seconds',
  lastRunSuccess: 'race_reporter_last_run_success',
  reportsFound: 'race_reporter_last_run_reports_found',
  racesFound: 'race_reporter_last_run_races_found',
  issuesCreated: 'race_reporter_last_run_issues_created',
  issuesCommented: 'race_reporter_last_run_issues_commented',
  issuesReopened: 'race_reporter_last_run_issues_reopened',
  racesFailed: 'race_reporter_last_run_races_failed',
  bytesScanned: 'race_reporter_last_run_bytes_scanned',
} as const;

const HELP: Record<keyof typeof METRICS, string> = {
  lastSuccess: 'Unix time the last run that finished without failure ended.',
  lastRun: 'Unix time the last run ended, whether it succeeded or failed.',
  lastRunSuccess: '1 if the last run finished without failure, else 0.',
  reportsFound: 'Race reports found by the last run.',
  racesFound: 'Distinct races found by the last run.',
  issuesCreated: 'Issues created by the last run.',
  issuesCommented: 'Issues commented on by the last run (reopened ones included).',
  issuesReopened: 'Closed issues reopened by the last run.',
  racesFailed: 'Races the last run could not file (kept for the next run).',
  bytesScanned: 'Log bytes read by the last run.',
};

function seconds(date: Date): string {
  return (date.getTime() / 1000).toFixed(3);
}

/**
 * The run as Prometheus text exposition format: gauges, no labels (the
 * Pushgateway's grouping key or the node exporter names the host). A failed
 * run writes no last-success sample: `lastSuccess` carries the previous one
 * when the caller knows it (the textfile), or it is left out (the Pushgateway
 * keeps its previous value).
 */
export function renderRunMetrics(outcome: RunOutcome, lastSuccess?: string): string {
  const values: Partial<Record<keyof typeof METRICS, string | number>> = {
    lastSuccess: outcome.success ? seconds(outcome.at) : lastSuccess,
    lastRun: seconds(outcome.at),
    lastRunSuccess: outcome.success ? 1 : 0,
  };
  const s = outcome.summary;
  if (s) {
    values.reportsFound = s.reportsFound;
    values.racesFound = s.distinctRaces;
    values.issuesCreated = s.issuesCreated;
    values.issuesCommented = s.commented;
    values.issuesReopened = s.reopened;
    values.racesFailed = s.failed;
    values.bytesScanned = s.bytesScanned;
  }
  const lines: string[] = [];
  for (const key of Object.keys(METRICS) as (keyof typeof METRICS)[]) {
    const value = values[key];
    if (value === undefined) continue;
    lines.push(
      `# HELP ${METRICS[key]} ${HELP[key]}`,
      `# TYPE ${METRICS[key]} gauge`,
      `${METRICS[key]} ${value}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The last-success sample of a textfile written earlier (kept when this run failed). */
export function readLastSuccess(previous: string): string | undefined {
  const m = new RegExp(`^${METRICS.lastSuccess} ([0-9.eE+]+)$`, 'm').exec(previous);
  return m?.[1];
}
