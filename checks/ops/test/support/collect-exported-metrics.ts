import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFreshdeskDouble, startGitLabDouble } from '@devops/testkit';
import { spawnApp } from './spawn-app';
import { root } from './workspace';

/** Metric names in Prometheus text exposition: every TYPE'd family (with its histogram/summary series) and every sample. */
export function parseExposition(text: string): string[] {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\w+)/.exec(line);
    if (type) {
      const [, name, kind] = type as unknown as [string, string, string];
      names.add(name);
      if (kind === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
      if (kind === 'summary') for (const s of ['_sum', '_count']) names.add(name + s);
      continue;
    }
    const sample = /^([A-Za-z_:][A-Za-z0-9_:]*)[\s{]/.exec(line);
    if (sample && !line.startsWith('#')) names.add(sample[1]!);
  }
  return [...names].sort();
}

const SECRET = 'ops-check-secret-0123456789';

/**
 * What each HTTP service really exports: the four apps started as real processes (their
 * dist/main.js) on the GitLab and Freshdesk doubles, each asked GET /metrics.
 */
export async function collectServiceMetrics(): Promise<Record<string, string[]>> {
  const gitlab = await startGitLabDouble();
  const freshdesk = await startFreshdeskDouble();
  gitlab.addProject({ path: 'support/escalations', defaultBranch: 'main' });
  const common = { GITLAB_URL: gitlab.url, GITLAB_TOKEN: gitlab.token, GITLAB_WEBHOOK_SECRET: SECRET };
  const env: Record<string, Record<string, string>> = {
    'release-api': { RELEASE_SHARED_SECRET: SECRET },
    'freshdesk-bridge': {
      ...common,
      FRESHDESK_URL: freshdesk.url,
      FRESHDESK_API_KEY: freshdesk.apiKey,
      BRIDGE_GITLAB_PROJECT: 'support/escalations',
      BRIDGE_API_KEYS: SECRET,
      BRIDGE_PUBLIC_URL: 'http://127.0.0.1:1',
      BRIDGE_ALLOW_PRIVATE_HOSTS: 'true',
    },
    'version-check': common,
    'board-sync': common,
  };
  const out: Record<string, string[]> = {};
  try {
    for (const [app, appEnv] of Object.entries(env)) {
      const running = await spawnApp(app, appEnv);
      try {
        const res = await fetch(`${running.url}/metrics`);
        if (!res.ok) throw new Error(`${app} GET /metrics: ${res.status}`);
        out[app] = parseExposition(await res.text());
      } finally {
        await running.stop();
      }
    }
  } finally {
    await gitlab.close();
    await freshdesk.close();
  }
  return out;
}

/**
 * What race-reporter exports: one real run (`node apps/race-reporter/dist/main.js`, a log with no
 * races) against the GitLab double, with its textfile-collector file (RACE_REPORTER_METRICS_FILE)
 * read afterwards.
 */
export async function collectRaceReporterMetrics(): Promise<{ names: string[]; output: string }> {
  const gitlab = await startGitLabDouble();
  gitlab.addProject({ path: 'product/server', defaultBranch: 'main' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-check-race-'));
  const metricsFile = path.join(dir, 'race-reporter.prom');
  fs.writeFileSync(
    path.join(dir, 'test.log'),
    '=== RUN   TestNothing\n--- PASS: TestNothing (0.00s)\nPASS\n',
  );
  try {
    const output = await new Promise<string>((resolve) => {
      execFile(
        process.execPath,
        [path.join(root, 'apps/race-reporter/dist/main.js'), path.join(dir, 'test.log')],
        {
          cwd: dir,
          encoding: 'utf8',
          env: {
            PATH: process.env.PATH ?? '',
            GITLAB_URL: gitlab.url,
            GITLAB_TOKEN: gitlab.token,
            RACE_REPORTER_PROJECT: 'product/server',
            RACE_REPORTER_STATE: path.join(dir, 'state.json'),
            RACE_REPORTER_METRICS_FILE: metricsFile,
            RACE_REPORTER_HOST: 'ops-check',
          },
        },
        (err, stdout, stderr) => resolve(`exit ${err ? String(err.code) : 0}\n${stdout}${stderr}`),
      );
    });
    const names = fs.existsSync(metricsFile) ? parseExposition(fs.readFileSync(metricsFile, 'utf8')) : [];
    return { names, output };
  } finally {
    await gitlab.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
