import { text, url } from '@devops/config';

/** GITLAB_URL and GITLAB_TOKEN, as every GitLab-facing app reads them. */
export function gitlabSettings(opts: { urlFallback?: string } = {}) {
  return {
    GITLAB_URL: url({
      required: true,
      description: 'GitLab instance base URL, e.g. https://gitlab.example.com',
      hint: 'set it to your GitLab base URL, e.g. https://gitlab.example.com',
      ...(opts.urlFallback ? { fallback: opts.urlFallback } : {}),
    }),
    GITLAB_TOKEN: text({
      required: true,
      secret: true,
      description: 'GitLab personal, project or group access token (api scope)',
      minLength: 1, // issued and checked by GitLab, not by the suite
      hint: 'create a project access token with api scope and set it here',
    }),
  };
}
