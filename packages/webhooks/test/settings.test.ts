import { loadConfig } from '@devops/config';
import { webhookSettings } from '../src';

describe('webhookSettings', () => {
  it('defaults the spool to ./data/spool/<app> and requires the secret', () => {
    expect(() => loadConfig(webhookSettings('board-sync'), {})).toThrow(/GITLAB_WEBHOOK_SECRET: is not set/);
    expect(
      loadConfig(webhookSettings('board-sync'), { GITLAB_WEBHOOK_SECRET: 'abc' }).WEBHOOK_SPOOL_DIR,
    ).toBe('./data/spool/board-sync');
  });

  it('can make the secret optional', () => {
    expect(
      loadConfig(webhookSettings('freshdesk-bridge', { secretRequired: false }), {}).GITLAB_WEBHOOK_SECRET,
    ).toBe(undefined);
  });
});
