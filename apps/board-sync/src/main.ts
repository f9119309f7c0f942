import { startMain } from '@devops/cli';
import { createGitLab } from '@devops/gitlab';
import { runWebhookService } from '@devops/webhooks';
import { serviceOptions } from './app';
import { settings } from './config';

startMain({
  name: 'board-sync',
  summary: 'GitLab webhook: moves referenced issues across the board as merge requests open and merge.',
  usage: 'node apps/board-sync/dist/main.js',
  schema: settings,
  // The webhook spool fsyncs before every 202: keep those calls from queueing behind the worker's fs work.
  threadpoolSize: 16,
  async run({ config, log }) {
    const gitlab = createGitLab({ url: config.GITLAB_URL, token: config.GITLAB_TOKEN, log });
    const options = serviceOptions({ config, log, gitlab });
    await runWebhookService({
      ...options,
      config: { ...options.config, PORT: config.PORT, HOST: config.HOST },
    });
  },
});
