import type { Express } from 'express';
import type { Registry } from 'prom-client';

/**
 * What every HTTP app's `createApp(deps)` returns: the express app (not
 * listening), its metrics registry, and its background work.
 */
export interface ServiceApp {
  app: Express;
  registry: Registry;
  /** Begins background work (e.g. replaying the webhook spool). */
  start(): Promise<void>;
  /** Finishes the work in flight (after the server stopped accepting). */
  stop(): Promise<void>;
}
