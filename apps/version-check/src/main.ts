import { startMain } from '@devops/cli';
import { serveUntilSignalled } from '@devops/http-service';
import { createApp } from './app';
import { settings } from './config';

startMain({
  name: 'version-check',
  summary: 'GitLab webhook: opens a blocking thread on merge requests between mismatched release lines.',
  usage: 'node apps/version-check/dist/main.js',
  schema: settings,
  async run({ config, log }) {
    const app = createApp({ config, log });
    await serveUntilSignalled(app, { service: 'version-check', port: config.PORT, host: config.HOST, log });
  },
});
