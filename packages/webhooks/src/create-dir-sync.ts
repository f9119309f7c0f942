import { open } from 'node:fs/promises';

/**
 * fsync of a directory (makes renames and unlinks in it durable), with group
 * commit: callers that arrive while a sync is running share the next one, so
 * a burst of N renames costs about two directory syncs, not N. Each caller's
 * promise resolves only after a sync that started after the call.
 */
export function createDirSync(dir: string): () => Promise<void> {
  let current: Promise<void> | undefined;
  let next: Promise<void> | undefined;

  const syncOnce = async () => {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  };

  const sync = (): Promise<void> => {
    if (!current) {
      current = syncOnce().finally(() => {
        current = undefined;
      });
      return current;
    }
    next ??= current
      .catch(() => undefined)
      .then(() => {
        next = undefined;
        return sync();
      });
    return next;
  };
  return sync;
}
