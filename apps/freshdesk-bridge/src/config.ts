import { catchUpSettings } from '@devops/catch-up';
import { boolean, bytes, list, text, url } from '@devops/config';
import { serverSettings } from '@devops/http-service';
import { gitlabSettings } from '@devops/gitlab';
import { webhookSettings } from '@devops/webhooks';
import { freshdeskSettings } from '@devops/freshdesk';

export const settings = {
  ...serverSettings(3002),
  ...gitlabSettings(),
  ...webhookSettings('freshdesk-bridge', { secretRequired: false }),
  ...catchUpSettings(),
  ...freshdeskSettings(),
  // DATABASE_URL comes with webhookSettings; @devops/db loads pg only when a database is opened,
  // so a bridge without DATABASE_URL never loads it
  BRIDGE_GITLAB_PROJECT: text({
    required: true,
    description: 'GitLab project (id or group/project) that receives escalations',
  }),
  BRIDGE_API_KEYS: list({
    required: true,
    secret: true,
    description: 'Comma-separated keys the userscript may use (Authorization: Bearer)',
    hint: 'generate one key per support team (e.g. openssl rand -hex 24)',
  }),
  BRIDGE_PUBLIC_URL: url({
    required: true,
    // the userscript sends the API key there: never in clear text across a network
    httpsUnlessLoopback: true,
    description:
      'How browsers reach this bridge, e.g. https://bridge.example.com (http only for a loopback host)',
  }),
  BRIDGE_LABELS: list({ default: ['freshdesk'], description: 'Labels on escalated issues' }),
  BRIDGE_LINK_FIELD: text({
    description: 'Freshdesk custom field that receives the issue link, e.g. cf_gitlab_issue',
  }),
  BRIDGE_MAX_ATTACHMENT_BYTES: bytes({
    default: 100 * 1024 ** 2,
    description: 'Attachments larger than this are listed, not copied',
  }),
  BRIDGE_ALLOW_PRIVATE_HOSTS: boolean({
    default: false,
    description:
      'Test doubles only: also download attachments over plain http and from loopback, link-local and private addresses',
  }),
};
