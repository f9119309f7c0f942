import os from 'node:os';
import { list, loadConfig, text, url, type Env } from '@devops/config';
import { databaseSettings } from '@devops/db/settings';
// Only the settings: the package's index loads gitbeaker, which main.ts loads when GitLab is first needed.
import { gitlabSettings } from '@devops/gitlab/settings';

const common = {
  ...databaseSettings,
  RACE_REPORTER_LOGS: list({ description: 'Comma-separated log paths or globs (arguments override)' }),
  RACE_REPORTER_STATE: text({
    default: './data/race-reporter-state.json',
    description: 'Cursor state file (its lock: the folder <state>.lock); unused with DATABASE_URL',
  }),
  RACE_REPORTER_LABELS: list({
    default: ['race condition'],
    description: 'Labels on race issues (created if missing)',
  }),
  RACE_REPORTER_HOST: text({
    default: os.hostname(),
    description:
      'Host name recorded with each report; keys the state in PostgreSQL and the Pushgateway instance',
  }),
  RACE_REPORTER_PUSHGATEWAY_URL: url({
    description:
      'Prometheus Pushgateway base URL: each run POSTs its metrics to /metrics/job/race-reporter/instance/<host>',
  }),
  RACE_REPORTER_METRICS_FILE: text({
    default: './data/race-reporter.prom',
    description: 'Textfile-collector file for the metrics when no Pushgateway is set',
  }),
};

function gitlabSchema() {
  return {
    ...gitlabSettings(),
    RACE_REPORTER_PROJECT: text({
      required: true,
      description: 'GitLab project (id or group/project) for race issues',
    }),
  };
}

/** --dry-run needs no GitLab settings at all. */
export function settingsFor(flags: { 'dry-run'?: unknown }) {
  if (flags['dry-run']) return { ...common };
  return { ...gitlabSchema(), ...common };
}

/**
 * For --dry-run: the GitLab settings when all three are given (the dry run
 * then reads issues to say create, comment or reopen), otherwise null. Read
 * from the same environment main.ts was given; never required.
 */
export function optionalGitLabConfig(env: Env) {
  if (!env.GITLAB_URL || !env.GITLAB_TOKEN || !env.RACE_REPORTER_PROJECT) return null;
  return loadConfig(gitlabSchema(), env);
}
