import fs from 'node:fs/promises';
import path from 'node:path';
import type { ScriptResult } from '../script/run-release-script';

/** What release.json holds. */
export interface ReleaseRecord {
  product: string;
  version: string;
  md5: string;
  sha256: string;
  size: number;
  /** The artifact's path relative to RELEASE_DIR. */
  artifact: string;
  fields: Record<string, string>;
  receivedAt: string;
  /**
   * published: stored and the script (if any) exited 0.
   * script-running: stored, the script has not finished (or the service stopped while it ran).
   * script-failed: stored, the script failed or timed out; posting the same artifact again reruns it.
   */
  status: 'published' | 'script-running' | 'script-failed';
  script: (ScriptResult & { startedAt: string }) | null;
}

export function versionDir(releaseDir: string, product: string, version: string): string {
  return path.join(releaseDir, product, version);
}

export function artifactName(product: string, version: string): string {
  return `${product}-${version}.tgz`;
}

/** release.json of a published version; undefined when the folder does not exist; 'unreadable' when it exists without a readable record. */
export async function readReleaseRecord(dir: string): Promise<ReleaseRecord | 'unreadable' | undefined> {
  try {
    return JSON.parse(await fs.readFile(path.join(dir, 'release.json'), 'utf8')) as ReleaseRecord;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      try {
        await fs.stat(dir);
        return 'unreadable';
      } catch {
        return undefined;
      }
    }
    return 'unreadable';
  }
}

/** The response body for a stored release (201, 200 and 500 share this shape). */
export function describeRelease(r: ReleaseRecord) {
  return {
    product: r.product,
    version: r.version,
    md5: r.md5,
    sha256: r.sha256,
    size: r.size,
    artifact: r.artifact,
    status: r.status,
    script: r.script
      ? {
          exitCode: r.script.exitCode,
          signal: r.script.signal,
          timedOut: r.script.timedOut,
          durationMs: r.script.durationMs,
          output: r.script.output,
          ...(r.script.error ? { error: r.script.error } : {}),
        }
      : null,
  };
}
