import { startMain } from '@devops/cli';
import type { GitLabPort } from '@devops/gitlab';
import { optionalGitLabConfig, settingsFor } from './config';
import { runAndRecord } from './run/run-and-record';
import { openStateStore } from './state/open-state-store';
import { formatSummary } from './run/run-result';
import { ConfigError } from '@devops/errors';
import path from 'node:path';

startMain({
  name: 'race-reporter',
  summary: 'turns Go race-detector reports in log files into one GitLab issue per distinct race.',
  usage: 'node apps/race-reporter/dist/main.js [--dry-run] [--json] [--state FILE] [PATH|GLOB...]',
  options: { 'dry-run': { type: 'boolean' }, json: { type: 'boolean' }, state: { type: 'string' } },
  optionsHelp: [
    '--dry-run    read everything, write nothing to GitLab or the state file; say what would be done',
    '             (with GITLAB_URL, GITLAB_TOKEN and RACE_REPORTER_PROJECT set it reads issues to say create/comment/reopen)',
    '--json       print one JSON document on stdout (human text goes to stderr)',
    '--state FILE state file (overrides RACE_REPORTER_STATE)',
  ].join('\n'),
  logTo: 'stderr',
  schema: settingsFor,
  async run({ config, flags, positionals, log, env, cwd, stdout, stderr }) {
    const patterns = positionals.length > 0 ? positionals : (config.RACE_REPORTER_LOGS ?? []);
    if (patterns.length === 0) {
      throw new ConfigError([
        {
          variable: 'RACE_REPORTER_LOGS',
          reason: 'is not set and no PATH or GLOB was given: name the log files to read',
        },
      ]);
    }
    const dryRun = flags['dry-run'] === true;
    const gl = dryRun
      ? optionalGitLabConfig(env)
      : (config as unknown as NonNullable<ReturnType<typeof optionalGitLabConfig>>);
    const gitlab = gl
      ? {
          // Loaded when the run first needs GitLab: gitbeaker in the process during the scan raised
          // the hostile corpus's peak RSS by ~40 MiB without --max-semi-space-size (bench/RESULTS.md).
          connect: async (): Promise<GitLabPort> => {
            const { createGitLab } = await import('@devops/gitlab');
            return createGitLab({ url: gl.GITLAB_URL, token: gl.GITLAB_TOKEN, log });
          },
          project: /^\d+$/.test(gl.RACE_REPORTER_PROJECT)
            ? Number(gl.RACE_REPORTER_PROJECT)
            : gl.RACE_REPORTER_PROJECT,
        }
      : null;
    const statePath = path.resolve(
      cwd,
      typeof flags.state === 'string' ? flags.state : config.RACE_REPORTER_STATE,
    );
    const host = config.RACE_REPORTER_HOST;
    const { store, close } = await openStateStore({
      databaseUrl: config.DATABASE_URL,
      statePath,
      host,
      dryRun,
      log,
    });
    const result = await runAndRecord({
      patterns,
      cwd,
      store,
      metrics: config.RACE_REPORTER_PUSHGATEWAY_URL
        ? { kind: 'pushgateway', url: config.RACE_REPORTER_PUSHGATEWAY_URL, host }
        : { kind: 'textfile', path: path.resolve(cwd, config.RACE_REPORTER_METRICS_FILE) },
      dryRun,
      host,
      labels: config.RACE_REPORTER_LABELS,
      gitlab,
      log,
      now: () => new Date(),
    }).finally(close);
    if (flags.json) {
      stdout.write(`${JSON.stringify({ reports: result.reports, actions: result.actions })}\n`);
      stderr.write(formatSummary(result));
    } else {
      stdout.write(formatSummary(result));
    }
    log.info('run finished', result.summary);
    return result.failed ? 1 : 0;
  },
});
