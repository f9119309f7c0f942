import type { Express } from 'express';
import { loadConfig } from '@devops/config';
import { gitlabSettings } from '@devops/gitlab';
import { serverSettings } from '@devops/http-service';
import { defineWebhookApp, webhookSettings, type EventHandlers } from '../../src';
import { SECRET } from './start-receiver';

export const testSettings = {
  ...serverSettings(0),
  ...gitlabSettings(),
  ...webhookSettings('test-app', { secretRequired: false }),
};

/** A webhook app with the test's handlers (and routes). */
export function defineTestApp(name: string, handlers: EventHandlers, routes?: (app: Express) => void) {
  return defineWebhookApp({
    name,
    summary: 'a webhook app under test',
    settings: testSettings,
    setup: () => ({ handlers, ...(routes ? { routes } : {}) }),
  });
}

/** Its config, as loadConfig makes it from the environment. */
export function testConfig(spoolDir: string, env: Record<string, string> = {}) {
  return loadConfig(testSettings, {
    GITLAB_URL: 'http://127.0.0.1:9',
    GITLAB_TOKEN: 'unused-token-value',
    GITLAB_WEBHOOK_SECRET: SECRET,
    WEBHOOK_SPOOL_DIR: spoolDir,
    ...env,
  });
}
