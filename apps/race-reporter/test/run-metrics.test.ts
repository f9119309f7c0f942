import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { RefusedError } from '@devops/errors';
import { goReport, holdLockElsewhere, run, startRunFixture, type RunFixture } from './run-helpers';

/** A stand-in Pushgateway on loopback: records what it receives, answers `status`. */
async function startPushgateway(status = 200) {
  const received: { method: string; url: string; type: string; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, type: req.headers['content-type'] ?? '', body });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/pgw/`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const NOW = new Date('2024-05-01T03:15:00Z');
const seconds = (NOW.getTime() / 1000).toFixed(3);

describe('the last run, for Prometheus', () => {
  let { double, project, dir, logFile, statePath } = {} as RunFixture;
  beforeEach(async () => {
    ({ double, project, dir, logFile, statePath } = await startRunFixture('qa/metrics', 'metrics'));
    fs.writeFileSync(logFile, goReport('main.a', 'main.b', 1) + goReport('main.c', 'main.d', 2));
  });
  afterEach(() => double.close());

  it('Pushgateway: POST to /metrics/job/race-reporter/instance/<host> with the gauges; a failed run leaves last success out', async () => {
    const pgw = await startPushgateway();
    try {
      const metrics = { kind: 'pushgateway' as const, url: pgw.url, host: 'ci-7' };
      await run(double, project, { patterns: [logFile], statePath, metrics, now: () => NOW });
      expect(pgw.received).toHaveLength(1);
      const ok = pgw.received[0]!;
      expect(ok.method).toBe('POST');
      expect(ok.url).toBe('/pgw/metrics/job/race-reporter/instance/ci-7');
      expect(ok.type).toBe('text/plain; version=0.0.4');
      expect(ok.body).toContain('# TYPE race_reporter_last_success_timestamp_seconds gauge\n');
      expect(ok.body).toContain(`\nrace_reporter_last_success_timestamp_seconds ${seconds}\n`);
      expect(ok.body).toContain(`\nrace_reporter_last_run_timestamp_seconds ${seconds}\n`);
      expect(ok.body).toContain('\nrace_reporter_last_run_success 1\n');
      expect(ok.body).toContain('\nrace_reporter_last_run_races_found 2\n');
      expect(ok.body).toContain('\nrace_reporter_last_run_issues_created 2\n');

      fs.appendFileSync(logFile, goReport('main.e', 'main.f', 3));
      double.injectFault({ status: 503, times: Infinity, method: 'POST', path: /\/issues$/ });
      const later = new Date(NOW.getTime() + 86_400_000);
      const failed = await run(double, project, {
        patterns: [logFile],
        statePath,
        metrics: { ...metrics, host: 'rack 3/ci-7' },
        now: () => later,
      });
      expect(failed.result.failed).toBe(true);
      const bad = pgw.received[1]!;
      expect(bad.url).toBe(
        `/pgw/metrics/job/race-reporter/instance@base64/${Buffer.from('rack 3/ci-7').toString('base64url')}`,
      );
      expect(bad.body).not.toContain('race_reporter_last_success_timestamp_seconds');
      expect(bad.body).toContain(
        `\nrace_reporter_last_run_timestamp_seconds ${(later.getTime() / 1000).toFixed(3)}\n`,
      );
      expect(bad.body).toContain('\nrace_reporter_last_run_success 0\n');
      expect(bad.body).toContain('\nrace_reporter_last_run_races_failed 1\n');
    } finally {
      await pgw.close();
    }
  });

  it('a Pushgateway that refuses the push makes the run a failure (its work is kept)', async () => {
    const pgw = await startPushgateway(500);
    try {
      const { result, logs } = await run(double, project, {
        patterns: [logFile],
        statePath,
        metrics: { kind: 'pushgateway', url: pgw.url, host: 'ci-7' },
      });
      expect(result.failed).toBe(true);
      expect(double.state(project).issues).toHaveLength(2);
      expect(logs.join('')).toContain('could not record the run for Prometheus');
      expect(logs.join('')).toContain('answered 500');
    } finally {
      await pgw.close();
    }
  });

  it('textfile: written durably and readable by the collector; a failed run keeps the last success; a dry run and a refused run write nothing', async () => {
    const file = path.join(dir, 'textfile', 'race-reporter.prom');
    const metrics = { kind: 'textfile' as const, path: file };
    await run(null, project, { patterns: [logFile], statePath, metrics, dryRun: true });
    expect(fs.existsSync(file)).toBe(false);

    await run(double, project, { patterns: [logFile], statePath, metrics, now: () => NOW });
    const first = fs.readFileSync(file, 'utf8');
    expect(first).toContain(`\nrace_reporter_last_success_timestamp_seconds ${seconds}\n`);
    expect(first).toContain('\nrace_reporter_last_run_issues_created 2\n');
    expect(fs.statSync(file).mode & 0o777).toBe(0o644);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['race-reporter.prom']);

    // A run that fails before counting anything (a damaged state file) still records the failure.
    const good = fs.readFileSync(statePath, 'utf8');
    fs.writeFileSync(statePath, '{"version": 1, "cur');
    const later = new Date(NOW.getTime() + 3_600_000);
    await expect(
      run(double, project, { patterns: [logFile], statePath, metrics, now: () => later }),
    ).rejects.toThrow(/not valid JSON/);
    const second = fs.readFileSync(file, 'utf8');
    expect(second).toContain(`\nrace_reporter_last_success_timestamp_seconds ${seconds}\n`);
    expect(second).toContain(
      `\nrace_reporter_last_run_timestamp_seconds ${(later.getTime() / 1000).toFixed(3)}\n`,
    );
    expect(second).toContain('\nrace_reporter_last_run_success 0\n');
    fs.writeFileSync(statePath, good);

    const release = await holdLockElsewhere(statePath);
    try {
      await expect(run(double, project, { patterns: [logFile], statePath, metrics })).rejects.toThrow(
        RefusedError,
      );
    } finally {
      await release();
    }
    expect(fs.readFileSync(file, 'utf8')).toBe(second);
  });
});
