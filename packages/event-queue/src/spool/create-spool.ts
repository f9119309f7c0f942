import { mkdir, readFile, readdir, rename, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { createDirSync, writeFileDurably } from '@devops/durable-fs';
import { createIntakeJournal } from './create-intake-journal';
import type { EventPayload, QueuedEvent } from '../queue/event-queue';
import type { DeadLetterFile } from './create-spool-dead-letters';

export const EVENT_SUFFIX = '.event.json';
const STATE_SUFFIX = '.state.json';
/** A write that never finished (writeFileDurably's `<file>.<digits>`): never acknowledged data. */
const TEMP_FILE = /\.json\.\d+$/;

/** Retry bookkeeping kept beside an event (`<id>.state.json`). */
export interface RetryState {
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  /** When the first attempt failed: the start of the hold on later events of its orderKey. */
  firstFailedAt?: number;
}

export interface SpoolEntry {
  meta: QueuedEvent;
  state: RetryState;
}

export interface Spool {
  readonly dir: string;
  readonly deadDir: string;
  /** Creates the directories and deletes temp files of writes that never finished (never acknowledged). */
  init(): Promise<void>;
  /** Durably stores a new event; `rawPayload` is the delivery's JSON text. */
  add(meta: QueuedEvent, rawPayload: string): Promise<void>;
  /** Every stored event with its retry state, oldest first (once, at start: it loads the intake journal). */
  list(): Promise<SpoolEntry[]>;
  readPayload(id: string): Promise<EventPayload>;
  saveState(id: string, state: RetryState): Promise<void>;
  /**
   * Forgets a finished event; `hasState: false` skips the retry-state file it never had.
   * The unlinks are not fsynced: callers record the event as finished durably first
   * (deliveries.log), so a file that comes back after a power loss is cleaned up at start.
   */
  remove(id: string, opts?: { hasState?: boolean }): Promise<void>;
  /** Writes dead/<id>.json: the event, its error and attempts (the spool file stays until remove). */
  writeDeadLetter(meta: QueuedEvent, attempts: number, error: string, deadAt: number): Promise<void>;
  countDead(): Promise<number>;
  /** Closes the directory handles (after the last write). */
  close(): Promise<void>;
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}

/**
 * The durable spool: accepted events as lines `{meta, payload}` of the intake
 * journal (`intake/<n>.log`, group-committed, see createIntakeJournal), a small
 * `<id>.state.json` once one has failed (attempts, next attempt time, last
 * error), `dead/<id>.json` for events that failed for good. Spools written before
 * the journal held one file per event (`<id>.event.json`): those are still read,
 * run and removed. Every other write is temp file + fsync + rename + directory fsync.
 */
export function createSpool(dir: string): Spool {
  const deadDir = path.join(dir, 'dead');
  const syncDir = createDirSync(dir);
  const syncDeadDir = createDirSync(deadDir);
  const journal = createIntakeJournal(dir);
  const eventFile = (id: string) => path.join(dir, `${id}${EVENT_SUFFIX}`);
  const stateFile = (id: string) => path.join(dir, `${id}${STATE_SUFFIX}`);

  /** An event file that cannot be read as JSON goes to dead/ untouched. */
  const moveAside = async (id: string) => {
    await rename(eventFile(id), path.join(deadDir, `${id}${EVENT_SUFFIX}`));
    await syncDeadDir();
    await syncDir();
  };

  const readEventFile = async (id: string) =>
    JSON.parse(journal.has(id) ? await journal.read(id) : await readFile(eventFile(id), 'utf8')) as {
      meta: QueuedEvent;
      payload: EventPayload;
    };

  return {
    dir,
    deadDir,
    async init() {
      await mkdir(deadDir, { recursive: true });
      for (const d of [dir, deadDir]) {
        for (const name of await readdir(d)) {
          if (TEMP_FILE.test(name)) await rm(path.join(d, name), { force: true });
        }
      }
    },

    async add(meta, rawPayload) {
      // The payload is embedded as received (it was parsed once already), not re-serialised. A
      // newline byte in valid JSON text is only ever whitespace between tokens: a space does as well.
      const payload = rawPayload.includes('\n') ? rawPayload.replace(/\n/g, ' ') : rawPayload;
      await journal.append(meta.id, `{"meta":${JSON.stringify(meta)},"payload":${payload}}`);
    },

    async list() {
      const found: Array<{ id: string; meta: QueuedEvent }> = [];
      const { entries: lines, broken } = await journal.load();
      for (const { id, line } of lines) {
        found.push({ id, meta: (JSON.parse(line) as { meta: QueuedEvent }).meta });
      }
      // Only a disk fault or a hand edit gets here (appends are fsynced whole): keep the bytes aside.
      for (const b of broken) {
        await writeFileDurably(path.join(deadDir, `${b.name}${EVENT_SUFFIX}`), b.bytes, {
          syncDir: syncDeadDir,
        });
      }
      const names = (await readdir(dir)).filter((n) => n.endsWith(EVENT_SUFFIX)).sort();
      for (const name of names) {
        const id = name.slice(0, -EVENT_SUFFIX.length);
        try {
          found.push({ id, meta: (await readEventFile(id)).meta });
        } catch (err) {
          if (isMissing(err)) continue;
          await moveAside(id);
        }
      }
      const entries: SpoolEntry[] = [];
      for (const { id, meta } of found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
        let state: RetryState = { attempts: 0, nextAttemptAt: 0, lastError: null };
        try {
          state = JSON.parse(await readFile(stateFile(id), 'utf8')) as RetryState;
        } catch (err) {
          if (!isMissing(err)) throw err;
        }
        entries.push({ meta: { ...meta, id }, state });
      }
      return entries;
    },

    async readPayload(id) {
      return (await readEventFile(id)).payload;
    },

    async saveState(id, state) {
      await writeFileDurably(stateFile(id), JSON.stringify(state), { syncDir });
    },

    async remove(id, { hasState = true } = {}) {
      // The state file first: what a crash in between leaves is an event recorded as finished, which
      // the next start removes.
      const inJournal = journal.has(id);
      const files = inJournal ? [] : [eventFile(id)];
      if (hasState) files.unshift(stateFile(id));
      for (const file of files) {
        try {
          await unlink(file);
        } catch (err) {
          if (!isMissing(err)) throw err;
        }
      }
      if (inJournal) await journal.release(id);
    },

    async writeDeadLetter(meta, attempts, error, deadAt) {
      let payload: EventPayload;
      try {
        payload = (await readEventFile(meta.id)).payload;
      } catch (err) {
        if (!isMissing(err) && !journal.has(meta.id)) await moveAside(meta.id);
        payload = {};
      }
      const letter: DeadLetterFile = {
        meta,
        attempts,
        error,
        deadAt: new Date(deadAt).toISOString(),
        payload,
      };
      await writeFileDurably(path.join(deadDir, `${meta.id}.json`), JSON.stringify(letter, null, 2), {
        syncDir: syncDeadDir,
      });
    },

    async countDead() {
      return (await readdir(deadDir)).filter((n) => n.endsWith('.json')).length;
    },

    async close() {
      await journal.close();
      await syncDir.close();
      await syncDeadDir.close();
    },
  };
}
