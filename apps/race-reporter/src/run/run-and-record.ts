import { describeError, RefusedError } from '@devops/errors';
import { publishRunMetrics, type MetricsSink } from '../metrics/publish-run-metrics';
import type { RunOutcome } from '../metrics/render-run-metrics';
import { runRaceReporter, type RunOptions } from './run-race-reporter';
import type { RunResult } from './run-result';

/**
 * A run, then its record for Prometheus (last run, last success, counts), so a
 * reporter that stops succeeding can alert. A dry run writes nothing and a
 * refused run (another one holds the lock) records nothing; a failed run
 * records the failure, keeping the last success. A record that cannot be
 * written makes the run a failure (exit 1): its work is kept, but the
 * operator must hear of it.
 */
export async function runAndRecord(opts: RunOptions & { metrics: MetricsSink | null }): Promise<RunResult> {
  const record = async (outcome: RunOutcome): Promise<boolean> => {
    if (opts.dryRun || !opts.metrics) return true;
    try {
      await publishRunMetrics(opts.metrics, outcome);
      return true;
    } catch (err) {
      opts.log.error(`could not record the run for Prometheus: ${describeError(err)}`);
      return false;
    }
  };
  let result: RunResult;
  try {
    result = await runRaceReporter(opts);
  } catch (err) {
    if (!(err instanceof RefusedError)) await record({ at: opts.now(), success: false });
    throw err;
  }
  const recorded = await record({ at: opts.now(), success: !result.failed, summary: result.summary });
  return recorded ? result : { ...result, failed: true };
}
