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

describe('webhookSettings types', () => {
  it('types a required secret as string', () => {
    const config = loadConfig(webhookSettings('version-check'), { GITLAB_WEBHOOK_SECRET: 's3cret' });
    const secret: string = config.GITLAB_WEBHOOK_SECRET; // compile-time check: no `| undefined`
    expect(secret).toBe('s3cret');
  });
});
