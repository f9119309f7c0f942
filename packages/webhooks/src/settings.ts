import { integer, text } from '@devops/config';
import { databaseSettings } from '@devops/db/settings';
import { DEFAULT_CONCURRENCY } from '@devops/event-queue';

const secretSetting = {
  secret: true,
  description: 'Secret token configured on the GitLab webhook (sent as X-Gitlab-Token)',
  hint: 'set it to the secret token configured on the GitLab webhook',
};

const spoolSetting = (app: string) =>
  text({
    default: `./data/spool/${app}`,
    description: 'Directory where accepted webhook events are kept until processed',
  });

/** Seconds one failing event may hold back the later events of what it concerns. */
export const DEFAULT_HOLD_MAX_SECONDS = 900;
const holdSetting = () =>
  integer({
    default: DEFAULT_HOLD_MAX_SECONDS,
    min: 0,
    description:
      'Seconds an event that keeps failing may hold back the later events of its merge request, issue or branch; then they go ahead',
  });

const concurrencySetting = () =>
  integer({
    default: DEFAULT_CONCURRENCY,
    min: 1,
    description:
      'Webhook events handled at once; events of one merge request, issue or branch still run one at a time, in order',
  });

const requiredSecret = (app: string) => ({
  GITLAB_WEBHOOK_SECRET: text({ ...secretSetting, required: true as const }),
  WEBHOOK_SPOOL_DIR: spoolSetting(app),
  WEBHOOK_HOLD_MAX: holdSetting(),
  WEBHOOK_CONCURRENCY: concurrencySetting(),
  ...databaseSettings,
});

const optionalSecret = (app: string) => ({
  GITLAB_WEBHOOK_SECRET: text(secretSetting),
  WEBHOOK_SPOOL_DIR: spoolSetting(app),
  WEBHOOK_HOLD_MAX: holdSetting(),
  WEBHOOK_CONCURRENCY: concurrencySetting(),
  ...databaseSettings,
});

/**
 * GITLAB_WEBHOOK_SECRET (required: typed string), WEBHOOK_SPOOL_DIR, WEBHOOK_HOLD_MAX, WEBHOOK_CONCURRENCY and
 * DATABASE_URL (optional: events queued in PostgreSQL instead of the spool) for a webhook-receiving app.
 */
export function webhookSettings(
  app: string,
  opts?: { secretRequired?: true },
): ReturnType<typeof requiredSecret>;
/** With `secretRequired: false` the secret is optional (typed string | undefined). */
export function webhookSettings(
  app: string,
  opts: { secretRequired: false },
): ReturnType<typeof optionalSecret>;
export function webhookSettings(app: string, opts: { secretRequired?: boolean } = {}) {
  return opts.secretRequired === false ? optionalSecret(app) : requiredSecret(app);
}
