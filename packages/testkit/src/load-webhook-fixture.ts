import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** packages/testkit/fixtures/webhooks (shipped with the package: `files` has "fixtures"). */
export const webhookFixturesDir = join(__dirname, '..', 'fixtures', 'webhooks');

/**
 * A real GitLab webhook payload (from GitLab's docs, personal data removed), e.g.
 * `loadWebhookFixture('merge_request.open')`, `loadWebhookFixture('push')`. A fresh deep copy each call.
 */
export function loadWebhookFixture<T = Record<string, unknown>>(name: string): T {
  if (!/^[a-z_]+(\.[a-z_-]+)?$/.test(name)) throw new Error(`Bad webhook fixture name: ${name}`);
  const file = join(webhookFixturesDir, `${name}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (err) {
    throw new Error(`No webhook fixture "${name}" (${file}): ${(err as Error).message}`);
  }
}
