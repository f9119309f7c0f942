import fs from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import type { Logger } from '@devops/logger';

/** How long a lock whose holder stopped refreshing it is honoured (ms). */
export const LOCK_STALE_MS = 30_000;
const LOCK_UPDATE_MS = 5_000;

/**
 * Takes the lock for one product+version, shared by every process (and host)
 * that uses the same RELEASE_DIR: `RELEASE_DIR/.locks/<product>@<version>.lock`,
 * a directory made with mkdir (atomic, also on NFS) by proper-lockfile. The
 * holder refreshes its mtime every few seconds; a lock not refreshed for
 * LOCK_STALE_MS (its process died) is taken over.
 * Returns the release function, or undefined when someone else holds it.
 */
export async function lockRelease(
  releaseDir: string,
  product: string,
  version: string,
  log: Logger,
): Promise<(() => Promise<void>) | undefined> {
  const dir = path.join(releaseDir, '.locks');
  await fs.mkdir(dir, { recursive: true });
  const target = path.join(dir, `${product}@${version}`);
  try {
    const release = await lockfile.lock(target, {
      realpath: false,
      stale: LOCK_STALE_MS,
      update: LOCK_UPDATE_MS,
      retries: 0,
      onCompromised: (err) => log.error(`lock for ${product} ${version} was lost: ${err.message}`),
    });
    return async () => {
      try {
        await release();
      } catch (err) {
        log.warn(`releasing the lock for ${product} ${version} failed: ${(err as Error).message}`);
      }
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') return undefined;
    throw err;
  }
}
