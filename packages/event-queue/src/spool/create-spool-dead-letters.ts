import { mkdir, readFile, readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { syncDir } from '@devops/durable-fs';
import { RefusedError } from '@devops/errors';
import type {
  DeadLetter,
  DeadLetters,
  DeadLetterSummary,
  EventPayload,
  QueuedEvent,
} from '../queue/event-queue';

/** `<spool>/replay/`: dead letters handed back by `dead-letters replay`, picked up by the service. */
export const REPLAY_DIR = 'replay';
export const DEAD_DIR = 'dead';

/** The bytes of `dead/<id>.json` (an unreadable event file moved aside keeps its own bytes). */
export interface DeadLetterFile {
  meta: QueuedEvent;
  attempts: number;
  error: string;
  deadAt: string;
  payload: EventPayload;
}

const ID = /^[\w-][\w.-]{0,199}$/;

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}

/** Reads a dead letter; an unreadable one (a spool file moved aside) is shown with payload null. */
export async function readDeadLetter(file: string, id: string): Promise<DeadLetter> {
  const text = await readFile(file, 'utf8');
  try {
    const d = JSON.parse(text) as DeadLetterFile;
    return {
      id,
      deliveryId: d.meta.deliveryId,
      idempotencyKey: d.meta.idempotencyKey,
      event: d.meta.event,
      objectKind: d.meta.objectKind,
      orderKey: d.meta.orderKey,
      receivedAt: new Date(d.meta.receivedAt).toISOString(),
      deadAt: d.deadAt,
      attempts: d.attempts,
      error: d.error,
      payload: d.payload ?? null,
    };
  } catch {
    return {
      id,
      deliveryId: '',
      idempotencyKey: null,
      event: '',
      objectKind: '',
      orderKey: '',
      receivedAt: new Date(0).toISOString(),
      deadAt: new Date(0).toISOString(),
      attempts: 0,
      error: 'the spooled event file could not be read (kept as it was found)',
      payload: null,
    };
  }
}

/**
 * The operator's view of `<spool>/dead/`, safe beside a running service:
 * replay is one atomic rename of `dead/<id>.json` into `replay/` (both
 * directories fsynced), which the service's periodic scan (or its next start)
 * turns into a new spooled event exactly once.
 */
export function createSpoolDeadLetters(spoolDir: string): DeadLetters {
  const deadDir = path.join(spoolDir, DEAD_DIR);
  const replayDir = path.join(spoolDir, REPLAY_DIR);
  const fileOf = (id: string) => {
    if (!ID.test(id)) throw new RefusedError(`"${id.slice(0, 80)}" is not a dead letter id`);
    return path.join(deadDir, `${id}.json`);
  };
  const names = async () => {
    try {
      return (await readdir(deadDir)).filter((n) => n.endsWith('.json')).sort();
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
  };
  const show = async (id: string) => {
    try {
      return await readDeadLetter(fileOf(id), id);
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  };

  return {
    async list() {
      const out: DeadLetterSummary[] = [];
      for (const name of await names()) {
        const letter = await show(name.slice(0, -'.json'.length));
        if (!letter) continue; // replayed or dropped meanwhile
        const { payload: _payload, idempotencyKey: _key, ...summary } = letter;
        out.push(summary);
      }
      return out;
    },
    show,
    async replay(id) {
      const letter = await show(id);
      if (!letter) return false;
      if (letter.payload === null) {
        throw new RefusedError(`dead letter ${id} cannot be replayed: its event file is unreadable`);
      }
      await mkdir(replayDir, { recursive: true });
      try {
        await rename(fileOf(id), path.join(replayDir, `${id}.json`));
      } catch (err) {
        if (isMissing(err)) return false; // replayed or dropped by someone else just now
        throw err;
      }
      await syncDir(replayDir);
      await syncDir(deadDir);
      return true;
    },
    async drop(id) {
      try {
        await unlink(fileOf(id));
      } catch (err) {
        if (isMissing(err)) return false;
        throw err;
      }
      await syncDir(deadDir);
      return true;
    },
    async count() {
      return (await names()).length;
    },
  };
}
