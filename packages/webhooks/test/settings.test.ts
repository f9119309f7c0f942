import { loadConfig } from '@devops/config';
import { webhookSettings } from '../src';

describe('webhookSettings', () => {
  it('defaults the spool to ./data/spool/<app> and requires the secret', () => {
    expect(() => loadConfig(webhookSettings('board-sync'), {})).toThrow(/GITLAB_WEBHOOK_SECRET: is not set/);
    expect(
      loadConfig(webhookSettings('board-sync'), { GITLAB_WEBHOOK_SECRET: 'abcdefghijklmnop' })
        .WEBHOOK_SPOOL_DIR,
    ).toBe('./data/spool/board-sync');
  });

  it('defaults WEBHOOK_HOLD_MAX to 900 s and refuses a value that is not a whole number of seconds', () => {
    const secret = { GITLAB_WEBHOOK_SECRET: 'abcdefghijklmnop' };
    expect(loadConfig(webhookSettings('board-sync'), secret).WEBHOOK_HOLD_MAX).toBe(900);
    expect(
      loadConfig(webhookSettings('board-sync'), { ...secret, WEBHOOK_HOLD_MAX: '0' }).WEBHOOK_HOLD_MAX,
    ).toBe(0);
    for (const bad of ['-1', '15m', '1.5']) {
      expect(() => loadConfig(webhookSettings('board-sync'), { ...secret, WEBHOOK_HOLD_MAX: bad })).toThrow(
        /WEBHOOK_HOLD_MAX: /,
      );
    }
  });

  it('can make the secret optional', () => {
    expect(
      loadConfig(webhookSettings('freshdesk-bridge', { secretRequired: false }), {}).GITLAB_WEBHOOK_SECRET,
    ).toBe(undefined);
  });
});

describe('webhookSettings types', () => {
  it('types a required secret as string', () => {
    const config = loadConfig(webhookSettings('version-check'), {
      GITLAB_WEBHOOK_SECRET: 's3cret-0123456789',
    });
    const secret: string = config.GITLAB_WEBHOOK_SECRET; // compile-time check: no `| undefined`
    expect(secret).toBe('s3cret-0123456789');
  });
});
