import { text } from '@devops/config';

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

const requiredSecret = (app: string) => ({
  GITLAB_WEBHOOK_SECRET: text({ ...secretSetting, required: true as const }),
  WEBHOOK_SPOOL_DIR: spoolSetting(app),
});

const optionalSecret = (app: string) => ({
  GITLAB_WEBHOOK_SECRET: text(secretSetting),
  WEBHOOK_SPOOL_DIR: spoolSetting(app),
});

/** GITLAB_WEBHOOK_SECRET (required: typed string) and WEBHOOK_SPOOL_DIR for a webhook-receiving app. */
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
