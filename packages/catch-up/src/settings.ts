import { integer, list } from '@devops/config';

/** RECONCILE_INTERVAL, RECONCILE_SCOPE and RECONCILE_LOOKBACK, as SPEC names them. */
export function catchUpSettings() {
  return {
    RECONCILE_INTERVAL: integer({
      default: 300,
      min: 0,
      description: 'Seconds between catch-up passes over GitLab (0 turns them off)',
    }),
    RECONCILE_SCOPE: list({
      default: [],
      description:
        'Comma-separated GitLab groups or projects (paths or ids) a pass covers; empty: every project an event came from',
    }),
    RECONCILE_LOOKBACK: integer({
      default: 86_400,
      min: 0,
      description: 'Seconds the first catch-up pass after a start looks back',
    }),
  };
}

/** The values catch-up reads from an app's config. */
export interface CatchUpConfig {
  RECONCILE_INTERVAL: number;
  RECONCILE_SCOPE: string[];
  RECONCILE_LOOKBACK: number;
  WEBHOOK_SPOOL_DIR: string;
  DATABASE_URL?: string | undefined;
}
