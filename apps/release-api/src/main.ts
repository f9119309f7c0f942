import { startMain } from '@devops/cli';
import { serveUntilSignalled } from '@devops/http-service';
import { createApp } from './app';
import { settings } from './config';
import { scriptEnvironment } from './releases/script/script-environment';

startMain({
  name: 'release-api',
  summary:
    'receives release artifacts (.tgz + MD5 + metadata) from build servers, stores them atomically and runs the release script.',
  usage: 'node apps/release-api/dist/main.js',
  schema: settings,
  async run({ config, log }) {
    const service = createApp({
      config,
      log,
      scriptEnv: scriptEnvironment(process.env, config.RELEASE_SCRIPT_ENV),
    });
    await service.start();
    await serveUntilSignalled(service.app, {
      service: 'release-api',
      port: config.PORT,
      host: config.HOST,
      drainDelayMs: config.SHUTDOWN_DELAY * 1000,
      log,
      idleTimeoutMs: config.RELEASE_IDLE_TIMEOUT * 1000,
    });
    await service.stop();
  },
});
