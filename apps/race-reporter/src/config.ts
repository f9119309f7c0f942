import os from 'node:os';
import { list, text } from '@devops/config';
import { gitlabSettings } from '@devops/gitlab';

const common = {
  RACE_REPORTER_LOGS: list({ description: 'Comma-separated log paths or globs (arguments override)' }),
  RACE_REPORTER_STATE: text({
    default: './data/race-reporter-state.json',
    description: 'Cursor and lock state file',
  }),
  RACE_REPORTER_LABELS: list({
    default: ['race condition'],
    description: 'Labels on race issues (created if missing)',
  }),
  RACE_REPORTER_HOST: text({ default: os.hostname(), description: 'Host name recorded with each report' }),
};

/** --dry-run needs no GitLab settings at all. */
export function settingsFor(flags: { 'dry-run'?: unknown }) {
  if (flags['dry-run']) return { ...common };
  return {
    ...gitlabSettings(),
    RACE_REPORTER_PROJECT: text({
      required: true,
      description: 'GitLab project (id or group/project) for race issues',
    }),
    ...common,
  };
}
