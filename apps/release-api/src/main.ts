import { startMain } from '@devops/cli';
import { serveUntilSignalled } from '@devops/http-service';
import { createApp } from './app';
import { settings } from './config';

startMain({
  name: 'release-api',
  summary:
    'receives release artifacts (.tgz + MD5 + metadata) from build servers, stores them atomically and runs the release script.',
  usage: 'node apps/release-api/dist/main.js',
  schema: settings,
  async run({ config, log }) {
    const app = createApp({ config, log });
    await serveUntilSignalled(app, { service: 'release-api', port: config.PORT, host: config.HOST, log });
  },
});
