import { text, url } from '@devops/config';

/**
 * FRESHDESK_URL and FRESHDESK_API_KEY, exactly as apps/freshdesk-bridge
 * declares them (same descriptions and hints), for any app that talks to
 * Freshdesk.
 */
export function freshdeskSettings() {
  return {
    FRESHDESK_URL: url({
      required: true,
      description: 'Freshdesk helpdesk URL, e.g. https://acme.freshdesk.com',
    }),
    FRESHDESK_API_KEY: text({
      required: true,
      secret: true,
      description: 'Freshdesk API key (Profile settings → Your API key)',
      minLength: 1, // issued and checked by Freshdesk, not by the suite
      hint: "copy the API key from an agent's Freshdesk profile settings",
    }),
  };
}
