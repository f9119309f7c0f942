import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RefusedError } from '@devops/errors';

export interface Lock {
  release(): Promise<void>;
}

interface Holder {
  pid: number;
  host: string;
  startedAt: string;
}

/** An unreadable lock younger than this may be a run still writing it. */
const UNREADABLE_GRACE_MS = 60_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * `<state>.lock`, created exclusively (O_EXCL) with our pid and host. A lock
 * left by a dead process on this host is taken over; a live holder (or one on
 * another host, which we cannot check) makes this run refuse (exit 2).
 */
export async function acquireLock(
  lockPath: string,
  opts: { pid?: number; host?: string; now?: () => Date } = {},
): Promise<Lock> {
  const me: Holder = {
    pid: opts.pid ?? process.pid,
    host: opts.host ?? os.hostname(),
    startedAt: (opts.now ?? (() => new Date()))().toISOString(),
  };
  await fs.mkdir(path.dirname(lockPath), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await fs.open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify(me));
        await handle.sync();
      } finally {
        await handle.close();
      }
      return {
        async release() {
          const holder = await readHolder(lockPath);
          if (holder && holder.pid === me.pid && holder.host === me.host)
            await fs.rm(lockPath, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readHolder(lockPath);
    if (holder === null) {
      const stat = await fs.stat(lockPath).catch(() => null);
      if (stat && Date.now() - stat.mtimeMs < UNREADABLE_GRACE_MS) break;
    } else if (holder.host !== me.host || isAlive(holder.pid)) {
      throw new RefusedError(
        `another race-reporter run holds ${lockPath} (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}); ` +
          'runs on one state file never overlap: try again when it has finished' +
          (holder.host !== me.host ? ', or delete the lock file if that host has no run going' : ''),
      );
    }
    // Stale: left by a process that is gone. Take it over.
    await fs.rm(lockPath, { force: true });
  }
  throw new RefusedError(`could not take ${lockPath}: another run is starting; try again later`);
}

async function readHolder(lockPath: string): Promise<Holder | null> {
  try {
    const holder = JSON.parse(await fs.readFile(lockPath, 'utf8')) as Holder;
    return typeof holder.pid === 'number' && typeof holder.host === 'string' ? holder : null;
  } catch {
    return null;
  }
}
