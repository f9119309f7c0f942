/**
 * Every metric an alert rule or a dashboard panel queries is one a service really exports:
 * the names come from the running apps' GET /metrics and from race-reporter's own metrics file,
 * not from a list kept by hand.
 */
import YAML from 'yaml';
import {
  collectRaceReporterMetrics,
  collectServiceMetrics,
  parseExposition,
} from './support/collect-exported-metrics';
import { findMetricNames } from './support/find-metric-names';
import { APPS, read, SERVICES } from './support/workspace';

interface Panel {
  type: string;
  title: string;
  panels?: Panel[];
  targets?: { expr: string }[];
  gridPos: { x: number; y: number; w: number; h: number };
  id: number;
}
const dashboard = JSON.parse(read('deploy/monitoring/grafana/dashboards/devops-suite.json')) as {
  uid: string;
  panels: Panel[];
};
const allPanels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const panelQueries = allPanels.flatMap((p) =>
  (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr })),
);
const rules = (
  YAML.parse(read('deploy/monitoring/alerts.yml')) as {
    groups: { rules: { alert: string; expr: string }[] }[];
  }
).groups.flatMap((g) => g.rules);
const ruleQueries = rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }));
/** Series Prometheus makes itself for every target. */
const PROMETHEUS_OWN = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped'];

describe('[slow] monitoring queries only metrics the suite exports', () => {
  let exported: Set<string>;
  let raceReporter: { names: string[]; output: string };
  let byService: Record<string, string[]>;

  beforeAll(async () => {
    byService = await collectServiceMetrics();
    raceReporter = await collectRaceReporterMetrics();
    exported = new Set([...Object.values(byService).flat(), ...raceReporter.names, ...PROMETHEUS_OWN]);
  }, 120_000);

  it('every HTTP service answers /metrics with the shared request metrics and its own', () => {
    expect(Object.keys(byService).sort()).toEqual(Object.keys(SERVICES).sort());
    for (const [app, names] of Object.entries(byService)) {
      expect({ app, has: names.includes('http_requests_total') }).toEqual({ app, has: true });
      expect({ app, has: names.includes('http_request_duration_seconds_bucket') }).toEqual({
        app,
        has: true,
      });
    }
    for (const app of ['version-check', 'board-sync', 'freshdesk-bridge'])
      expect(byService[app]).toEqual(
        expect.arrayContaining(['gitlab_webhook_dead_letters', 'gitlab_webhook_events_retried_total']),
      );
  });

  it('race-reporter writes its last-run gauges to its metrics file after a successful run', () => {
    expect({ names: raceReporter.names, output: raceReporter.output }).toEqual({
      names: expect.arrayContaining(['race_reporter_last_success_timestamp_seconds']),
      output: expect.stringMatching(/^exit 0/),
    });
  });

  it.each([...ruleQueries, ...panelQueries].map((q) => [q.where, q.expr] as const))(
    '%s queries exported metrics: %s',
    (where, expr) => {
      const names = findMetricNames(expr);
      expect(names.length).toBeGreaterThan(0);
      const missing = names.filter((n) => !exported.has(n));
      expect({ where, missing }).toEqual({ where, missing: [] });
    },
  );
});

describe('the rules and the dashboard, read statically', () => {
  it('the exposition parser sees counters, gauges and histogram series', () => {
    const text = [
      '# HELP a_total A.',
      '# TYPE a_total counter',
      '# TYPE b gauge',
      'b{service="x"} 1',
      '# TYPE c_seconds histogram',
      'c_seconds_bucket{le="1"} 0',
      'process_cpu_seconds_total 3',
    ].join('\n');
    expect(parseExposition(text)).toEqual(
      [
        'a_total',
        'b',
        'c_seconds',
        'c_seconds_bucket',
        'c_seconds_count',
        'c_seconds_sum',
        'process_cpu_seconds_total',
      ].sort(),
    );
  });

  it('the dashboard has one row per app, in a 24-column grid, with unique panel ids', () => {
    const rows = dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title);
    expect([...rows].sort()).toEqual([...APPS].sort());
    const ids = allPanels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of allPanels) expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
    expect(panelQueries.length).toBeGreaterThan(20);
  });

  it('every job a query names is a scrape job of prometheus.yml (or the race-reporter push group)', () => {
    const config = YAML.parse(read('deploy/monitoring/prometheus.yml')) as {
      scrape_configs: { job_name: string }[];
    };
    const jobs = new Set([...config.scrape_configs.map((c) => c.job_name), 'race-reporter']);
    for (const { where, expr } of [...ruleQueries, ...panelQueries]) {
      for (const m of expr.matchAll(/job=~?"([^"]+)"/g))
        for (const job of m[1]!.split('|'))
          expect({ where, job, known: jobs.has(job) }).toEqual({ where, job, known: true });
    }
  });
});
