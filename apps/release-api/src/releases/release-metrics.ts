import { Counter, type Registry } from 'prom-client';

export interface ReleaseMetrics {
  uploads: Counter<'result'>;
  bytes: Counter;
  scripts: Counter<'result'>;
}

/** The app's own counters, registered on the service's /metrics registry. */
export function createReleaseMetrics(registry: Registry): ReleaseMetrics {
  return {
    uploads: new Counter({
      name: 'release_uploads_total',
      help: 'Release uploads by result (created, existing, rerun, bad_request, unauthorized, unknown_product, conflict, too_large, checksum_mismatch, script_failed, busy, unavailable, aborted, error)',
      labelNames: ['result'],
      registers: [registry],
    }),
    bytes: new Counter({
      name: 'release_upload_bytes_total',
      help: 'Artifact bytes received (including uploads that were later refused)',
      registers: [registry],
    }),
    scripts: new Counter({
      name: 'release_script_runs_total',
      help: 'Release script runs by result (ok, failed, timeout)',
      labelNames: ['result'],
      registers: [registry],
    }),
  };
}
