import { startMain } from '@devops/cli';
import { settings } from './config';

startMain({
  name: 'lib-tagger',
  summary:
    "tags a Go library's next semantic version on its default branch, annotated with the commit message.",
  usage: 'node apps/lib-tagger/dist/main.js [--dry-run] [--json]',
  options: { 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } },
  optionsHelp: [
    '--dry-run    read everything, create nothing; say which tag would be created',
    '--json       print {tag, previous, sha, created} on stdout (human text goes to stderr)',
  ].join('\n'),
  logTo: 'stderr',
  schema: settings,
  async run() {
    throw new Error('lib-tagger is not built yet');
  },
});
