/**
 * deploy/monitoring/alerts.yml through Prometheus' own tool (Debian's `prometheus` package):
 * `promtool check rules` and the rule unit tests in alerts.test.yml. Copies with a changed rule
 * show that the unit tests notice.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { read, root } from './support/workspace';

const monitoring = path.join(root, 'deploy/monitoring');

function promtool(args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('promtool', args, { cwd, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new Error('promtool not found: install Debian package prometheus');
      resolve({ code: err ? Number(err.code) : 0, out: stdout + stderr });
    });
  });
}

const TEST_FILES = ['alerts.test.yml', 'alerts-48h.test.yml'];

/** alerts.yml and its unit tests in a temp dir, alerts.yml changed by `edit`. */
function copyWith(edit: (rules: string) => string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-check-rules-'));
  fs.writeFileSync(path.join(dir, 'alerts.yml'), edit(read('deploy/monitoring/alerts.yml')));
  for (const f of TEST_FILES) fs.copyFileSync(path.join(monitoring, f), path.join(dir, f));
  return dir;
}

const rules = (
  YAML.parse(read('deploy/monitoring/alerts.yml')) as { groups: { rules: { alert: string }[] }[] }
).groups.flatMap((g) => g.rules);

describe('[slow] alert rules (promtool)', () => {
  it('has the alerts SPEC names: a service down, dead letters, webhook retries, release script, race-reporter stale, escalations', () => {
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'DevopsServiceDown',
        'WebhookDeadLettersWaiting',
        'WebhookRetriesClimbing',
        'ReleaseScriptFailed',
        'RaceReporterStale',
        'EscalationsFailing',
        'ReconcileRepairsKeepHappening',
        'ReconcileStale',
      ]),
    );
  });

  it('pass `promtool check rules`', async () => {
    const run = await promtool(['check', 'rules', 'alerts.yml'], monitoring);
    expect(run).toEqual({ code: 0, out: expect.stringContaining(`SUCCESS: ${rules.length} rules found`) });
  });

  it('pass their unit tests (`promtool test rules alerts.test.yml alerts-48h.test.yml`)', async () => {
    const run = await promtool(['test', 'rules', ...TEST_FILES], monitoring);
    expect(run.code).toBe(0);
    expect(run.out.match(/SUCCESS/g)).toHaveLength(TEST_FILES.length);
  });

  it('unit tests cover at least the dead-letter, race-reporter-stale and catch-up alerts', () => {
    const tests = TEST_FILES.map((f) => read(`deploy/monitoring/${f}`)).join('\n');
    for (const alert of [
      'WebhookDeadLettersWaiting',
      'RaceReporterStale',
      'ReconcileRepairsKeepHappening',
      'ReconcileStale',
    ])
      expect(tests).toContain(`alertname: ${alert}`);
  });

  it.each([
    [
      'dead letters alert after 1 minute instead of 15',
      (s: string) => s.replace(/(WebhookDeadLettersWaiting[\s\S]*?for: )15m/, '$11m'),
      'alerts.test.yml',
    ],
    [
      'race-reporter counted stale after 24 h',
      (s: string) => s.replace('> 48 * 3600', '> 24 * 3600'),
      'alerts-48h.test.yml',
    ],
    [
      'one hour of repairs is enough to alert (one lost delivery would page)',
      (s: string) => s.replace(/(ReconcileRepairsKeepHappening[\s\S]*?for: )2h/, '$11h'),
      'alerts.test.yml',
    ],
    [
      'catch-up counted stale after two intervals instead of three',
      (s: string) => s.replace('> 3 * 300', '> 2 * 300'),
      'alerts.test.yml',
    ],
    [
      'a replica that never ran a pass is not counted from its start',
      (s: string) => s.replace(/\n\s*or process_start_time_seconds\{[^}]*\}/, ''),
      'alerts.test.yml',
    ],
    [
      'catch-up judged per replica instead of per service (the lock holder is the freshest)',
      (s: string) => s.replace('time() - max by (job) (', 'time() - max by (job, instance) ('),
      'alerts.test.yml',
    ],
  ])('the unit tests fail when %s', async (_what, edit, testFile) => {
    const dir = copyWith(edit);
    try {
      expect(fs.readFileSync(path.join(dir, 'alerts.yml'), 'utf8')).not.toBe(
        read('deploy/monitoring/alerts.yml'),
      );
      const run = await promtool(['test', 'rules', testFile], dir);
      expect(run.code).not.toBe(0);
      expect(run.out).toContain('FAILED');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('`promtool check rules` refuses a rule that is not PromQL', async () => {
    const dir = copyWith((s) =>
      s.replace(
        'max by (job) (gitlab_webhook_dead_letters) > 0',
        'max by (job) (gitlab_webhook_dead_letters > ',
      ),
    );
    try {
      const run = await promtool(['check', 'rules', 'alerts.yml'], dir);
      expect(run.code).not.toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
