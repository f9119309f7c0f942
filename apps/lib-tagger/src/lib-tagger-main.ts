import path from 'node:path';
import type { MainDefinition } from '@devops/cli';
import { createGitLab, type RetryOptions } from '@devops/gitlab';
import { settings } from './config';
import { outcomeJson } from './output/format-outcome';
import { writeDotenv } from './output/write-dotenv';
import { tagRelease } from './tagging/tag-release';
import { parseVersion } from './version/parse-release-tag';

/** The CLI, as a definition runMain can start: main.ts in production, tests in-process. */
export function libTaggerMain(opts: { retry?: RetryOptions } = {}): MainDefinition<typeof settings> {
  return {
    name: 'lib-tagger',
    summary:
      "tags a Go library's next semantic version on its default branch, annotated with the commit message.",
    usage: 'node apps/lib-tagger/dist/main.js [--dry-run] [--json]',
    options: { 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } },
    optionsHelp: [
      '--dry-run    read everything, create nothing; say which tag would be created',
      '--json       print {tag, previous, sha, created, status} on stdout (human text goes to stderr)',
    ].join('\n'),
    logTo: 'stderr',
    schema: settings,
    async run({ config, flags, log, stdout, cwd }) {
      const dryRun = flags['dry-run'] === true;
      const gitlab = createGitLab({
        url: config.GITLAB_URL,
        token: config.GITLAB_TOKEN,
        log,
        ...(opts.retry ? { retry: opts.retry } : {}),
      });
      const outcome = await tagRelease(
        { gitlab, log },
        {
          project: /^\d+$/.test(config.CI_PROJECT_ID) ? Number(config.CI_PROJECT_ID) : config.CI_PROJECT_ID,
          sha: config.CI_COMMIT_SHA,
          branch: config.CI_COMMIT_BRANCH,
          defaultBranch: config.CI_DEFAULT_BRANCH,
          message: config.CI_COMMIT_MESSAGE,
          prefix: config.LIB_TAGGER_PREFIX,
          initial: parseVersion(config.LIB_TAGGER_INITIAL)!,
          bump: config.LIB_TAGGER_BUMP,
          dryRun,
        },
      );
      const result = outcomeJson(outcome);
      if (config.LIB_TAGGER_DOTENV) {
        const file = path.resolve(cwd, config.LIB_TAGGER_DOTENV);
        if (dryRun) log.info(`dry run: ${file} not written`);
        else await writeDotenv(file, result);
      }
      if (flags.json) stdout.write(`${JSON.stringify(result)}\n`);
      else if (result.tag) stdout.write(`${result.tag}\n`);
    },
  };
}
