import { startMain } from '@devops/cli';
import { serveUntilSignalled } from '@devops/http-service';
import { createApp } from './app';
import { settings } from './config';

startMain({
  name: 'board-sync',
  summary: 'GitLab webhook: moves referenced issues across the board as merge requests open and merge.',
  usage: 'node apps/board-sync/dist/main.js',
  schema: settings,
  async run({ config, log }) {
    const app = createApp({ config, log });
    await serveUntilSignalled(app, { service: 'board-sync', port: config.PORT, host: config.HOST, log });
  },
});
