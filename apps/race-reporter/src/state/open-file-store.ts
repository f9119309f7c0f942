import path from 'node:path';
import { makeDirDurably, tryLock, writeFileDurably } from '@devops/durable-fs';
import { RefusedError } from '@devops/errors';
import { loadState } from './load-state';
import type { StateStore } from './state-store';

/**
 * The state in a JSON file, written durably (@devops/durable-fs); the lock is
 * `<state>.lock` (a folder, proper-lockfile through tryLock: refreshed while a
 * run holds it, taken over once its holder has died and it went stale).
 */
export function openFileStore(statePath: string, opts: { staleMs?: number } = {}): StateStore {
  let lost: Error | null = null;
  return {
    where: statePath,
    async lock() {
      await makeDirDurably(path.dirname(statePath));
      const release = await tryLock(statePath, {
        ...(opts.staleMs !== undefined ? { staleMs: opts.staleMs } : {}),
        onCompromised: (err) => {
          lost = err;
        },
      });
      if (!release)
        throw new RefusedError(
          `another race-reporter run holds ${statePath}.lock; runs on one state file never overlap: ` +
            'try again when it has finished',
        );
      return release;
    },
    load: () => loadState(statePath),
    async save(state) {
      if (lost)
        throw new Error(
          `lost the lock on ${statePath} while running (${lost.message}): not saving over another run's state`,
        );
      await makeDirDurably(path.dirname(statePath));
      await writeFileDurably(statePath, `${JSON.stringify(state, null, 1)}\n`);
    },
  };
}
