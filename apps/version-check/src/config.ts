import { catchUpSettings } from '@devops/catch-up';
import { oneOf, regex, text } from '@devops/config';
import { serverSettings } from '@devops/http-service';
import { gitlabSettings } from '@devops/gitlab';
import { webhookSettings } from '@devops/webhooks';

export const settings = {
  ...serverSettings(3003),
  ...gitlabSettings(),
  ...webhookSettings('version-check'),
  ...catchUpSettings(),
  VERSION_FILE: text({
    default: 'VERSION',
    description: 'File holding the release version, read at both branches',
  }),
  VERSION_PATTERN: regex({
    groups: 1,
    description: 'Regex with one capture group run on that file (default: the first \\d+\\.\\d+(\\.\\d+)?)',
  }),
  VERSION_MATCH: oneOf(['major', 'minor', 'patch'] as const, {
    default: 'minor',
    description: 'Level at which source and target versions must agree',
  }),
};
