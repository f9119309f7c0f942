import fs from 'node:fs/promises';
import path from 'node:path';
import { tryLock } from '@devops/durable-fs';
import type { Logger } from '@devops/logger';

/**
 * Takes the lock for one product+version, shared by every process (and host)
 * that uses the same RELEASE_DIR: `RELEASE_DIR/.locks/<product>@<version>.lock`
 * (durable-fs tryLock: a mkdir-made folder, refreshed while held, taken over
 * once its holder stopped refreshing it for 30 s). Returns the release
 * function, or undefined when someone else holds it.
 */
export async function lockRelease(
  releaseDir: string,
  product: string,
  version: string,
  log: Logger,
): Promise<(() => Promise<void>) | undefined> {
  const dir = path.join(releaseDir, '.locks');
  await fs.mkdir(dir, { recursive: true });
  const release = await tryLock(path.join(dir, `${product}@${version}`), {
    onCompromised: (err) => log.error(`lock for ${product} ${version} was lost: ${err.message}`),
  });
  if (!release) return undefined;
  return async () => {
    try {
      await release();
    } catch (err) {
      log.warn(`releasing the lock for ${product} ${version} failed: ${(err as Error).message}`);
    }
  };
}
