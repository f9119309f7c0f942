import { startMain } from '@devops/cli';
import { serveUntilSignalled } from '@devops/http-service';
import { createApp } from './app';
import { settings } from './config';

startMain({
  name: 'freshdesk-bridge',
  summary:
    'escalates a Freshdesk ticket, with every conversation and attachment, into one GitLab issue, linked both ways.',
  usage: 'node apps/freshdesk-bridge/dist/main.js',
  schema: settings,
  async run({ config, log }) {
    const app = createApp({ config, log });
    await serveUntilSignalled(app, {
      service: 'freshdesk-bridge',
      port: config.PORT,
      host: config.HOST,
      log,
    });
  },
});
