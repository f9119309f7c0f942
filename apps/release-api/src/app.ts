import type { Express } from 'express';
import { createServiceApp } from '@devops/http-service';
import type { Logger } from '@devops/logger';
import type { ConfigOf } from '@devops/config';
import type { settings } from './config';

export interface AppDeps {
  config: ConfigOf<typeof settings>;
  log: Logger;
}

export function createApp(deps: AppDeps): Express {
  const { app } = createServiceApp({ service: 'release-api', log: deps.log });
  return app;
}
