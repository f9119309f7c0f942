import { Counter, type Registry } from 'prom-client';

export interface VersionCheckMetrics {
  /** Checks run, by result: mismatch, match, unreadable, closed. */
  checks: Counter<'result'>;
  /** Threads this service opened or resolved. */
  threads: Counter<'action'>;
  /** Adds the counters to the service's registry (they then appear on /metrics). */
  register(registry: Registry): void;
}

/** This app's own counters, created unregistered so the handler can hold them before the service exists. */
export function createMetrics(): VersionCheckMetrics {
  const checks = new Counter({
    name: 'version_check_checks_total',
    help: 'Merge requests checked, by result (mismatch, match, unreadable, closed)',
    labelNames: ['result'] as const,
    registers: [],
  });
  const threads = new Counter({
    name: 'version_check_threads_total',
    help: 'Version threads opened or resolved by this service',
    labelNames: ['action'] as const,
    registers: [],
  });
  return {
    checks,
    threads,
    register(registry) {
      registry.registerMetric(checks);
      registry.registerMetric(threads);
    },
  };
}
