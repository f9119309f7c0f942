import { Counter, type Registry } from 'prom-client';

export interface VersionCheckMetrics {
  /** Checks run, by result: mismatch, match, unreadable, closed. */
  checks: Counter<'result'>;
  /** Threads this service opened or resolved. */
  threads: Counter<'action'>;
}

/** This app's own counters, on the service's registry (they appear on /metrics). */
export function createMetrics(registry: Registry): VersionCheckMetrics {
  return {
    checks: new Counter({
      name: 'version_check_checks_total',
      help: 'Merge requests checked, by result (mismatch, match, unreadable, closed)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    threads: new Counter({
      name: 'version_check_threads_total',
      help: 'Version threads opened or resolved by this service',
      labelNames: ['action'] as const,
      registers: [registry],
    }),
  };
}
