import fs from 'node:fs';
import type { Express } from 'express';
import { createServiceApp } from '@devops/http-service';
import type { Logger } from '@devops/logger';
import type { ConfigOf } from '@devops/config';
import type { settings } from './config';
import { cleanStaging } from './releases/clean-staging';
import { loadProducts, type Products } from './releases/load-products';
import { postRelease } from './releases/post-release';
import { createReleaseMetrics } from './releases/release-metrics';

export interface AppDeps {
  config: ConfigOf<typeof settings>;
  log: Logger;
  /** The environment release scripts start from (main.ts passes the process's, without secrets). */
  scriptEnv?: Record<string, string>;
  now?: () => Date;
  /** Between SIGTERM and SIGKILL when a script times out (default 5 s). */
  killGraceMs?: number;
  /** A young-generation GC (main.ts passes V8's); uploads run it every few MiB to keep the peak RSS flat. */
  collectYoung?: () => void;
}

/**
 * The release-api app. Reads RELEASE_PRODUCTS_FILE once (a bad file is a
 * ConfigError: exit 78), creates RELEASE_DIR, and removes staging folders
 * this host's dead processes left behind.
 */
export function createApp(deps: AppDeps): Express {
  const { config, log } = deps;
  const products: Products | undefined = loadProducts(config.RELEASE_PRODUCTS_FILE);
  fs.mkdirSync(config.RELEASE_DIR, { recursive: true });
  cleanStaging(config.RELEASE_DIR).then(
    (removed) => {
      if (removed.length) log.info(`removed ${removed.length} staging folder(s) left by stopped processes`);
    },
    (err: unknown) => log.warn(`could not clean staging folders: ${(err as Error).message}`),
  );
  const { app, registry } = createServiceApp({ service: 'release-api', log });
  const metrics = createReleaseMetrics(registry);
  app.post(
    '/releases',
    postRelease({
      config,
      products,
      metrics,
      scriptEnv: deps.scriptEnv ?? { PATH: '/usr/local/bin:/usr/bin:/bin' },
      now: deps.now ?? (() => new Date()),
      killGraceMs: deps.killGraceMs,
      collectYoung: deps.collectYoung,
    }),
  );
  return app;
}
