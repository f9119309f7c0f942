import { Counter, Gauge, type Registry } from 'prom-client';
import type { RepairKind } from './types';

export interface CatchUpMetrics {
  repaired(kind: RepairKind, count?: number): void;
  succeeded(atMs: number): void;
}

/** SPEC's two catch-up metrics, on the app's registry (they appear on its /metrics). */
export function createCatchUpMetrics(registry: Registry, kind: RepairKind): CatchUpMetrics {
  const lastSuccess = new Gauge({
    name: 'gitlab_reconcile_last_success_timestamp_seconds',
    help: 'When the last catch-up pass over GitLab succeeded (seconds since the epoch; 0: none yet)',
    registers: [registry],
  });
  const repairs = new Counter({
    name: 'gitlab_reconcile_repairs_total',
    help: 'Effects a catch-up pass applied because their webhook never came, by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  lastSuccess.set(0);
  repairs.inc({ kind }, 0);
  return {
    repaired: (k, count = 1) => repairs.inc({ kind: k }, count),
    succeeded: (atMs) => lastSuccess.set(Math.floor(atMs / 1000)),
  };
}
