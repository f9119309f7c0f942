export {
  startGitLabDouble,
  type GitLabDouble,
  type GitLabDoubleOptions,
  type LoggedRequest,
} from './gitlab/start-gitlab-double';
export type { FaultSpec } from './gitlab/faults';
export type { GitLabChanges } from './gitlab/change-gitlab-state';
export type { StrictnessOptions, UnknownRequest } from './strict/record-unknown-routes';
export { logUnknownRoutes } from './strict/log-unknown-routes';
export type { WebhookDelivery } from './gitlab/send-webhook';
export type * from './gitlab/model';
export type { MemberInput, MemberRecord } from './gitlab/member-book';
export { seedDemo } from './gitlab/seed-demo';
export { loadWebhookFixture, webhookFixturesDir } from './load-webhook-fixture';
export * from './freshdesk';
export {
  quickActions,
  liveMentions,
  htmlComments,
  referenceText,
  visibleText,
  renderMarkdown,
  rawHtml,
  externalLoads,
  extractQuickActionsLegacy,
  extractQuickActionsModern,
  type QuickAction,
} from './gitlab-reading';
export { startPostgres, type PostgresServer, type StartPostgresOptions } from './postgres/start-postgres';
export { measureNewSpace } from './node-options/measure-new-space';
export { readImageNodeOptions } from './node-options/read-image-node-options';
export { fakeClock, type FakeClock } from './time/fake-clock';
export { openWatchedConnection, type WatchedConnection } from './net/open-watched-connection';
export { createAutoClock, type AutoClock } from './time/create-auto-clock';
export { waitFor, type WaitForOptions, type Probed } from './wait/wait-for';
export { tempDir, removeTempDirs } from './fs/temp-dir';
export { freePort } from './net/free-port';
