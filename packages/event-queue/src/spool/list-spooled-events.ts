import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { EventPayload, QueuedEvent } from '../queue/event-queue';
import { DELIVERY_LOG_FILE } from './create-delivery-log';
import { readSegments } from './create-intake-journal';
import { EVENT_SUFFIX } from './create-spool';

export interface SpooledEvent {
  id: string;
  meta: QueuedEvent;
  payload: EventPayload;
}

/**
 * The events stored in a spool directory that a start would run, as stored: the lines of the intake
 * journal and the `<id>.event.json` files of older spools, less the events `deliveries.log` records as
 * finished. Reads only (a running service's spool can be looked at); oldest first.
 */
export async function listSpooledEvents(spoolDir: string): Promise<SpooledEvent[]> {
  const found = new Map<string, string>();
  for (const segment of await readSegments(spoolDir)) {
    for (const line of segment.lines) if (line.id !== undefined) found.set(line.id, line.text);
  }
  for (const name of await readdir(spoolDir).catch(() => [] as string[])) {
    if (!name.endsWith(EVENT_SUFFIX)) continue;
    const text = await readFile(path.join(spoolDir, name), 'utf8').catch(() => undefined);
    if (text !== undefined) found.set(name.slice(0, -EVENT_SUFFIX.length), text);
  }
  const log = await readFile(path.join(spoolDir, DELIVERY_LOG_FILE), 'utf8').catch(() => '');
  for (const line of log.split('\n')) {
    try {
      found.delete((JSON.parse(line) as { id: string }).id);
    } catch {
      // a torn or blank line
    }
  }
  return [...found.keys()].sort().map((id) => {
    const { meta, payload } = JSON.parse(found.get(id)!) as { meta: QueuedEvent; payload: EventPayload };
    return { id, meta, payload };
  });
}
