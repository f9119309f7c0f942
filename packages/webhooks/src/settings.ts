import { text } from '@devops/config';

/** GITLAB_WEBHOOK_SECRET and WEBHOOK_SPOOL_DIR for a webhook-receiving app. */
export function webhookSettings(app: string, opts: { secretRequired?: boolean } = {}) {
  const secret = {
    secret: true,
    description: 'Secret token configured on the GitLab webhook (sent as X-Gitlab-Token)',
    hint: 'set it to the secret token configured on the GitLab webhook',
  };
  return {
    GITLAB_WEBHOOK_SECRET:
      opts.secretRequired === false ? text(secret) : text({ ...secret, required: true as const }),
    WEBHOOK_SPOOL_DIR: text({
      default: `./data/spool/${app}`,
      description: 'Directory where accepted webhook events are kept until processed',
    }),
  };
}
