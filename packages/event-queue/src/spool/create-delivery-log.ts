import { open, readFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { createDirSync, writeFileDurably } from '@devops/durable-fs';

export const DELIVERY_LOG_FILE = 'deliveries.log';

export interface DeliveryLog {
  /**
   * Reads the log, drops entries older than the retention window (rewriting
   * the file when any were dropped), and returns the ids of events recorded
   * as finished: a spooled event among them was finished before a crash
   * removed its file.
   */
  load(): Promise<Set<string>>;
  /** True when an event with this Idempotency-Key was finished within the retention window. */
  hasKey(key: string): boolean;
  /** Durably records a finished event (processed or dead-lettered) before its spool file goes. */
  markDone(id: string, key: string | null, outcome: 'processed' | 'dead'): Promise<void>;
  close(): Promise<void>;
}

interface Entry {
  id: string;
  k: string | null;
  t: number;
  o: string;
}

/**
 * `<spool>/deliveries.log`: one JSON line per finished event
 * (`{"id","k","t","o"}`), appended and fdatasync'ed. Kept for `retentionMs`
 * (pruned at load and then hourly), it answers "was this Idempotency-Key
 * already handled?" across restarts. A torn last line (crash mid-append) is skipped.
 */
export function createDeliveryLog(opts: {
  dir: string;
  retentionMs: number;
  now: () => number;
  pruneEveryMs?: number;
}): DeliveryLog {
  const file = path.join(opts.dir, DELIVERY_LOG_FILE);
  const syncDir = createDirSync(opts.dir);
  const pruneEveryMs = opts.pruneEveryMs ?? 3_600_000;
  const keys = new Map<string, number>();
  let entries: Entry[] = [];
  let handle: FileHandle | undefined;
  let lastPrune = 0;
  // Appends and rewrites run one at a time.
  let tail: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };

  const append = async () => {
    if (!handle) {
      handle = await open(file, 'a', 0o600);
      await syncDir(); // the file's directory entry, when it was just created
    }
    return handle;
  };

  let waiting: Array<{ entry: Entry; resolve: () => void; reject: (err: unknown) => void }> = [];
  const flush = async () => {
    const batch = waiting;
    waiting = [];
    if (batch.length === 0) return;
    try {
      const fh = await append();
      await fh.write(batch.map((w) => `${JSON.stringify(w.entry)}\n`).join(''));
      await fh.datasync();
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    for (const { entry } of batch) {
      entries.push(entry);
      if (entry.k !== null) keys.set(entry.k, entry.t);
    }
    for (const w of batch) w.resolve();
    if (opts.now() - lastPrune >= pruneEveryMs) await prune().catch(() => undefined);
  };

  const prune = async () => {
    const cutoff = opts.now() - opts.retentionMs;
    const kept = entries.filter((e) => e.t >= cutoff);
    lastPrune = opts.now();
    if (kept.length === entries.length) return;
    await handle?.close();
    handle = undefined;
    await writeFileDurably(file, kept.map((e) => `${JSON.stringify(e)}\n`).join(''), { syncDir });
    entries = kept;
    keys.clear();
    for (const e of kept) if (e.k !== null) keys.set(e.k, e.t);
  };

  return {
    load: () =>
      serial(async () => {
        let text = '';
        try {
          text = await readFile(file, 'utf8');
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
        entries = [];
        for (const line of text.split('\n')) {
          if (!line) continue;
          try {
            const e = JSON.parse(line) as Entry;
            if (typeof e.id === 'string' && typeof e.t === 'number') entries.push(e);
          } catch {
            // torn line from a crash mid-append: that event was not acknowledged as finished
          }
        }
        const done = new Set(entries.map((e) => e.id));
        keys.clear();
        for (const e of entries) if (e.k !== null) keys.set(e.k, e.t);
        // A torn line would glue onto the next append: rewrite whenever the text does not end cleanly.
        if (text && !text.endsWith('\n')) entries.push({ id: '', k: null, t: -Infinity, o: 'torn' });
        await prune();
        return done;
      }),

    hasKey(key) {
      const t = keys.get(key);
      return t !== undefined && t >= opts.now() - opts.retentionMs;
    },

    markDone(id, key, outcome) {
      // Group commit: every entry that arrives while a write is running goes into the next
      // write, one append and one fdatasync for all of them.
      const entry: Entry = { id, k: key, t: opts.now(), o: outcome };
      return new Promise<void>((resolve, reject) => {
        waiting.push({ entry, resolve, reject });
        if (waiting.length === 1) void serial(flush);
      });
    },

    close: () =>
      serial(async () => {
        await handle?.close();
        handle = undefined;
        await syncDir.close();
      }),
  };
}
