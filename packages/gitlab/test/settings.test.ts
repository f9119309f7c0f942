import { ConfigError } from '@devops/errors';
import { loadConfig } from '@devops/config';
import { gitlabSettings } from '../src';

describe('gitlabSettings', () => {
  it('says what to do when the token is missing', () => {
    expect(() => loadConfig(gitlabSettings(), { GITLAB_URL: 'https://gitlab.example.com' })).toThrow(
      'GITLAB_TOKEN: is not set: create a project access token with api scope and set it here',
    );
  });

  it('falls back to CI_SERVER_URL when asked to', () => {
    const config = loadConfig(gitlabSettings({ urlFallback: 'CI_SERVER_URL' }), {
      CI_SERVER_URL: 'https://ci.example.com/',
      GITLAB_TOKEN: 't0ken',
    });
    expect(config.GITLAB_URL).toBe('https://ci.example.com');
    expect(() =>
      loadConfig(gitlabSettings(), { CI_SERVER_URL: 'https://ci.example.com', GITLAB_TOKEN: 't' }),
    ).toThrow(ConfigError);
  });
});
