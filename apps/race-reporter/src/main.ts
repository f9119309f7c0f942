import { startMain } from '@devops/cli';
import { settingsFor } from './config';

startMain({
  name: 'race-reporter',
  summary: 'turns Go race-detector reports in log files into one GitLab issue per distinct race.',
  usage: 'node apps/race-reporter/dist/main.js [--dry-run] [--json] [--state FILE] [PATH|GLOB...]',
  options: { 'dry-run': { type: 'boolean' }, json: { type: 'boolean' }, state: { type: 'string' } },
  optionsHelp: [
    '--dry-run    read everything, write nothing to GitLab or the state file; say what would be done',
    '--json       print one JSON document on stdout (human text goes to stderr)',
    '--state FILE state file (overrides RACE_REPORTER_STATE)',
  ].join('\n'),
  logTo: 'stderr',
  schema: settingsFor,
  async run() {
    throw new Error('race-reporter is not built yet');
  },
});
