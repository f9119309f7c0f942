import { loadConfig } from '@devops/config';
import { ConfigError } from '@devops/errors';
import { freshdeskSettings } from '../src';

describe('freshdeskSettings', () => {
  it('reads the URL (trailing slash dropped) and the key', () => {
    const config = loadConfig(freshdeskSettings(), {
      FRESHDESK_URL: 'https://acme.freshdesk.com/',
      FRESHDESK_API_KEY: 'k3y-value',
    });
    expect(config).toEqual({ FRESHDESK_URL: 'https://acme.freshdesk.com', FRESHDESK_API_KEY: 'k3y-value' });
  });

  it('names what is missing and never echoes the key', () => {
    let err: unknown;
    try {
      loadConfig(freshdeskSettings(), { FRESHDESK_URL: 'not a url', FRESHDESK_API_KEY: '' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => p.variable).sort()).toEqual([
      'FRESHDESK_API_KEY',
      'FRESHDESK_URL',
    ]);
    expect((err as Error).message).toContain("copy the API key from an agent's Freshdesk profile settings");
  });
});
