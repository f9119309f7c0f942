import { findMetricNames } from './support/find-metric-names';

describe('findMetricNames (what the rule and dashboard checks read from PromQL)', () => {
  it.each([
    ['up{job=~"a|b"} == 0', ['up']],
    ['max by (job) (gitlab_webhook_dead_letters) > 0', ['gitlab_webhook_dead_letters']],
    [
      'sum by (job, instance, result) (increase(release_script_runs_total{result=~"failed|timeout"}[1h])) > 0',
      ['release_script_runs_total'],
    ],
    [
      'time() - race_reporter_last_success_timestamp_seconds > 48 * 3600',
      ['race_reporter_last_success_timestamp_seconds'],
    ],
    [
      'absent(race_reporter_last_success_timestamp_seconds)',
      ['race_reporter_last_success_timestamp_seconds'],
    ],
    [
      'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="x"}[$__rate_interval])))',
      ['http_request_duration_seconds_bucket'],
    ],
    ['a_total / ignoring (result) group_left b_total', ['a_total', 'b_total']],
    ['rate(x_total[5m] offset 1h) and on (job) y', ['x_total', 'y']],
    ['sum(rate(foo{label="sum(bar)"}[5m]))', ['foo']],
    ['1e3 * 5', []],
  ])('%s', (expr, names) => {
    expect(findMetricNames(expr)).toEqual(names);
  });
});
