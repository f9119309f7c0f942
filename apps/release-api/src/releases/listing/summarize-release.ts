import type { ReleaseRecord } from '../publish/release-record';

/** One entry of the listing: what was published and how its script went. */
export interface ReleaseSummary {
  product: string;
  version: string;
  size: number;
  md5: string;
  sha256: string;
  fields: Record<string, string>;
  publishedAt: string;
  /** published, script-running, or script-failed (see release.json). */
  status: ReleaseRecord['status'];
  script: { exitCode: number | null; durationMs: number; timedOut: boolean; signal: string | null } | null;
}

export function summarizeRelease(r: ReleaseRecord): ReleaseSummary {
  return {
    product: r.product,
    version: r.version,
    size: r.size,
    md5: r.md5,
    sha256: r.sha256,
    fields: r.fields,
    publishedAt: r.receivedAt,
    status: r.status,
    script: r.script
      ? {
          exitCode: r.script.exitCode,
          durationMs: r.script.durationMs,
          timedOut: r.script.timedOut,
          signal: r.script.signal,
        }
      : null,
  };
}
