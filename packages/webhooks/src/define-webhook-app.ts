import type { Express } from 'express';
import type { Registry } from 'prom-client';
import type { ConfigOf, Schema, Setting } from '@devops/config';
import type { GitLabOptions, GitLabPort } from '@devops/gitlab';
import type { Logger } from '@devops/logger';
import type { EventHandlers } from './types';

/** The settings every webhook app has: serverSettings, gitlabSettings and webhookSettings. */
export interface WebhookAppSchema extends Schema {
  PORT: Setting<number>;
  HOST: Setting<string>;
  SHUTDOWN_DELAY: Setting<number>;
  GITLAB_URL: Setting<string>;
  GITLAB_TOKEN: Setting<string>;
  /** Optional for an app whose webhook is optional (freshdesk-bridge): no secret, no receiver. */
  GITLAB_WEBHOOK_SECRET: Setting<string | undefined>;
  WEBHOOK_SPOOL_DIR: Setting<string>;
  WEBHOOK_HOLD_MAX: Setting<number>;
  WEBHOOK_CONCURRENCY: Setting<number>;
}

/** The values of WebhookAppSchema's settings (what the shared code reads from an app's config). */
export interface WebhookAppConfig {
  PORT: number;
  HOST: string;
  SHUTDOWN_DELAY: number;
  GITLAB_URL: string;
  GITLAB_TOKEN: string;
  GITLAB_WEBHOOK_SECRET?: string | undefined;
  WEBHOOK_SPOOL_DIR: string;
  WEBHOOK_HOLD_MAX: number;
  WEBHOOK_CONCURRENCY: number;
  /** With it, events queue in PostgreSQL instead of the spool (openEventQueue). */
  DATABASE_URL?: string | undefined;
}

/** An app's config as the shared code sees it. */
export type WebhookConfigOf<S extends WebhookAppSchema> = ConfigOf<S> & WebhookAppConfig;

/** What setup() receives. */
export interface WebhookAppContext<S extends WebhookAppSchema> {
  config: WebhookConfigOf<S>;
  log: Logger;
  gitlab: GitLabPort;
  /** The service's registry: the app's own metrics go here (they appear on /metrics). */
  registry: Registry;
  /** Every configured secret value, for code that scrubs text itself. */
  secrets: string[];
  /** The process's shutdown signal (SIGTERM); never aborts in tests that pass none. */
  signal: AbortSignal;
}

/** What an app's own CLI command receives (`node apps/<app>/dist/main.js <command> ...`). */
export interface WebhookCommandContext {
  /** The words after the command's name. */
  args: string[];
  /** Parsed flags (--json, --dry-run, --since, ...). */
  flags: Record<string, string | boolean | string[] | undefined>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** An app's own CLI command: resolves to the exit code. */
export interface WebhookCommand {
  /** Usage line after the binary, e.g. `reconcile [--since S] [--dry-run] [--json]`. */
  usage: string;
  run(ctx: WebhookCommandContext): Promise<number>;
}

/** What setup() gives back. */
export interface WebhookAppParts {
  /** The app's own CLI commands by name (e.g. `reconcile`), run on the same storage as the service. */
  commands?: Record<string, WebhookCommand>;
  /** Keyed by payload.object_kind (merge_request, push, issue, ...). */
  handlers: EventHandlers;
  /** The app's own routes, mounted after the receiver (which reads its own body). */
  routes?(app: Express): void;
  /** Runs at start, before the receiver (e.g. the app's own database); a ConfigError here exits 78. */
  start?(): Promise<void>;
  /** Runs at stop, after the receiver finished its events. */
  stop?(): Promise<void>;
}

/** A webhook app, whole: its name, its settings, its handlers. */
export interface WebhookAppDefinition<S extends WebhookAppSchema, C extends object = object> {
  /** As in apps/<name>: the service label, the log's service, the default spool dir. */
  name: string;
  /** One sentence for --help. */
  summary: string;
  /** Usage of the app's own commands (setup's `commands`), e.g. `reconcile [--since S] [--dry-run] [--json]`. */
  commandUsage?: string[];
  settings: S;
  /** Retry options of the production GitLab client (default: the port's). */
  gitlabRetry?: GitLabOptions['retry'];
  /** Production clients besides GitLab, built from the config (tests pass their own to createWebhookApp). */
  connect?(ctx: { config: WebhookConfigOf<S>; log: Logger; signal: AbortSignal }): C;
  /** Builds the handlers (and any routes of the app's own); called once per createWebhookApp. */
  setup(ctx: WebhookAppContext<S> & C): WebhookAppParts;
}

/**
 * Declares a webhook app (Probot's `app.on(event, handler)`, as one object);
 * `runWebhookApp(definition)` in main.ts runs it, `createWebhookApp(definition,
 * deps)` builds it for tests.
 */
export function defineWebhookApp<S extends WebhookAppSchema, C extends object = object>(
  definition: WebhookAppDefinition<S, C>,
): WebhookAppDefinition<S, C> {
  return definition;
}
