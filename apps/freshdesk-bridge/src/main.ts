import { startMain } from '@devops/cli';
import { createFreshdesk } from '@devops/freshdesk';
import { createGitLab } from '@devops/gitlab';
import { serveUntilSignalled } from '@devops/http-service';
import { createApp } from './app';
import { settings } from './config';

/**
 * Escalations wait out rate limits rather than fail: gitlab.com's notes limit
 * is about 60 a minute and Freshdesk's limits are per account, so both
 * clients get a long retry budget and honour Retry-After up to 5 minutes.
 */
const PATIENT_RETRY = { retries: 10, baseDelayMs: 1_000, maxDelayMs: 60_000, maxRetryAfterMs: 300_000 };

startMain({
  name: 'freshdesk-bridge',
  summary:
    'escalates a Freshdesk ticket, with every conversation and attachment, into one GitLab issue, linked both ways.',
  usage: 'node apps/freshdesk-bridge/dist/main.js',
  schema: settings,
  // The webhook spool fsyncs before every 202: keep those calls from queueing behind the worker's fs work.
  threadpoolSize: 16,
  async run({ config, log, secrets }) {
    const gitlab = createGitLab({
      url: config.GITLAB_URL,
      token: config.GITLAB_TOKEN,
      log,
      retry: PATIENT_RETRY,
    });
    const freshdesk = createFreshdesk({
      url: config.FRESHDESK_URL,
      apiKey: config.FRESHDESK_API_KEY,
      log,
      retry: PATIENT_RETRY,
    });
    const bridge = createApp({ config, log, gitlab, freshdesk, secrets });
    await bridge.start();
    if (!bridge.receiver) log.info('GITLAB_WEBHOOK_SECRET is not set: POST /webhooks/gitlab is disabled');
    await serveUntilSignalled(bridge.app, {
      service: 'freshdesk-bridge',
      port: config.PORT,
      host: config.HOST,
      log,
      onDrain: () => bridge.stop(),
    });
  },
});
