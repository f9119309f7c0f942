import fs from 'node:fs';
import { openDatabase, tryAdvisoryLock, type Database } from '@devops/db';
import type { ServiceApp } from '@devops/http-service';
import { createServiceApp } from '@devops/http-service';
import type { Logger } from '@devops/logger';
import type { ConfigOf } from '@devops/config';
import type { settings } from './config';
import type { LockVersion } from './releases/admit/admit-upload';
import { cleanStaging } from './releases/store/clean-staging';
import { limitUnverified } from './releases/receive/limit-unverified';
import { loadProducts, type Products } from './releases/load-products';
import { lockRelease } from './releases/admit/lock-release';
import { lockVersionInDatabase } from './releases/admit/lock-version-in-database';
import { postRelease } from './releases/post-release';
import { createReleaseMetrics } from './releases/release-metrics';
import { serveReleaseListing } from './releases/listing/serve-release-listing';

export interface AppDeps {
  config: ConfigOf<typeof settings>;
  log: Logger;
  /** The environment release scripts start from (main.ts: the allowlist of script-environment.ts). */
  scriptEnv?: Record<string, string>;
  now?: () => Date;
  /** Between SIGTERM and SIGKILL when a script times out (default 5 s). */
  killGraceMs?: number;
}

/**
 * The release-api app. Reads RELEASE_PRODUCTS_FILE once (a bad file is a
 * ConfigError: exit 78) and creates RELEASE_DIR. start() opens DATABASE_URL
 * when set (the per-version locks then live in PostgreSQL; a bad or
 * unreachable URL is a ConfigError) and removes staging folders this host's
 * dead processes left behind; stop() closes the database.
 */
export function createApp(deps: AppDeps): ServiceApp {
  const { config, log } = deps;
  const products: Products | undefined = loadProducts(config.RELEASE_PRODUCTS_FILE);
  fs.mkdirSync(config.RELEASE_DIR, { recursive: true });
  let database: Database | undefined;
  const { app, registry } = createServiceApp({
    service: 'release-api',
    log,
    // With DATABASE_URL, /healthz shows whether the database answers (uploads get 503 while it does not).
    health: async () => {
      const state = await database?.health();
      return state ? { ...state, degraded: state.database === 'down' } : {};
    },
  });
  const metrics = createReleaseMetrics(registry);
  let lockInDatabase: LockVersion | undefined;
  const lockVersion: LockVersion = (product, version) => {
    if (lockInDatabase) return lockInDatabase(product, version);
    if (config.DATABASE_URL) throw new Error('the database is not open: call start() first');
    return lockRelease(config.RELEASE_DIR, product, version, log);
  };
  app.post(
    '/releases',
    postRelease({
      config,
      products,
      metrics,
      lockVersion,
      unverified: limitUnverified(config.RELEASE_MAX_UNVERIFIED),
      scriptEnv: deps.scriptEnv ?? { PATH: '/usr/local/bin:/usr/bin:/bin' },
      now: deps.now ?? (() => new Date()),
      killGraceMs: deps.killGraceMs,
    }),
  );
  app.use(serveReleaseListing({ releaseDir: config.RELEASE_DIR, secret: config.RELEASE_SHARED_SECRET }));
  return {
    app,
    registry,
    async start() {
      if (config.DATABASE_URL) {
        database = await openDatabase(config.DATABASE_URL, { log, app: 'release-api' });
        lockInDatabase = lockVersionInDatabase(database, tryAdvisoryLock, log);
        log.info(`per-version locks in PostgreSQL (${database.description})`);
      }
      try {
        const removed = await cleanStaging(config.RELEASE_DIR);
        if (removed.length) log.info(`removed ${removed.length} staging folder(s) left by stopped processes`);
      } catch (err) {
        log.warn(`could not clean staging folders: ${(err as Error).message}`);
      }
    },
    async stop() {
      // Called once the server has closed: uploads in flight have finished, their locks are released.
      lockInDatabase = undefined;
      await database?.close();
      database = undefined;
    },
  };
}
