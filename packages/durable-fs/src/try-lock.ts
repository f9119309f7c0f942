export interface TryLockOptions {
  /** A lock whose holder stopped refreshing it this long ago (it died) is taken over (default 30 s). */
  staleMs?: number;
  /** Called if the lock is lost while held (its folder removed or taken over). */
  onCompromised?: (err: Error) => void;
}

/** Releases a lock (one already released or taken over counts as released). */
export type ReleaseLock = () => Promise<void>;

/**
 * Takes the cross-process lock on `target` (which need not exist): the folder
 * `<target>.lock`, made with mkdir (atomic, also on NFS) by proper-lockfile and
 * refreshed while held, so a holder that dies leaves a lock that goes stale.
 * Returns the release function, or undefined when a live holder has it.
 */
export async function tryLock(target: string, opts: TryLockOptions = {}): Promise<ReleaseLock | undefined> {
  const staleMs = opts.staleMs ?? 30_000;
  try {
    // Loaded on first use: proper-lockfile (with graceful-fs) costs ~20 ms of a CLI's start-up.
    const lockfile = (await import('proper-lockfile')).default;
    const release = await lockfile.lock(target, {
      realpath: false,
      stale: staleMs,
      update: Math.max(1000, Math.floor(staleMs / 6)),
      retries: 0,
      onCompromised: opts.onCompromised ?? (() => undefined),
    });
    return async () => {
      try {
        await release();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ERELEASED') throw err;
      }
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOCKED') return undefined;
    throw err;
  }
}
