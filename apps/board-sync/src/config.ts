import { catchUpSettings } from '@devops/catch-up';
import { list, text } from '@devops/config';
import { serverSettings } from '@devops/http-service';
import { gitlabSettings } from '@devops/gitlab';
import { webhookSettings } from '@devops/webhooks';

export const settings = {
  ...serverSettings(3004),
  ...gitlabSettings(),
  ...webhookSettings('board-sync'),
  ...catchUpSettings(),
  BOARD_LABELS: list({
    default: ['To Do', 'In Development', 'In Review', 'Test', 'Testing'],
    description: 'Workflow labels in board order',
  }),
  BOARD_ON_OPEN: text({
    default: 'In Review',
    allowEmpty: true,
    description: 'Label when a merge request opens',
  }),
  BOARD_ON_MERGE: text({
    default: 'Test',
    allowEmpty: true,
    description: 'Label when a merge request merges',
  }),
  BOARD_ON_DRAFT: text({
    default: 'In Development',
    allowEmpty: true,
    description: 'Label when a draft merge request opens',
  }),
  BOARD_ON_CLOSE: text({
    default: '',
    allowEmpty: true,
    description: 'Label when a merge request closes (empty: nothing)',
  }),
  BOARD_ON_BRANCH: text({
    default: 'In Development',
    allowEmpty: true,
    description: 'Label when a branch <n>-... is pushed (empty disables)',
  }),
};
