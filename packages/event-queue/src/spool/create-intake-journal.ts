import { mkdir, open, readFile, readdir, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { createDirSync } from '@devops/durable-fs';

/** `<spool>/intake/`: the segments. */
export const INTAKE_DIR = 'intake';
const SEGMENT = /^(\d{10})\.log$/;
/** A segment takes no more appends past this size; it goes once all of its events are finished. */
const SEGMENT_BYTES = 1024 * 1024;

/** Where an event's line is. */
interface Place {
  segment: Segment;
  offset: number;
  length: number;
}

interface Segment {
  name: string;
  file: string;
  /** Bytes written (the next line's offset). */
  size: number;
  /** Events in it not yet finished. */
  open: Set<string>;
  /** Open for appends while it is the current segment. */
  handle?: FileHandle;
}

/** One stored line, read back at start. */
export interface JournalEntry {
  id: string;
  /** The line without its newline (JSON text). */
  line: string;
}

export interface IntakeJournal {
  /** Reads the segments on disk (at start, once): every whole line in them, oldest first. */
  load(): Promise<{ entries: JournalEntry[]; broken: Array<{ name: string; bytes: string }> }>;
  /**
   * Appends `line` (JSON text without a newline byte) for the event `id`; resolves once it is on
   * disk. Appends that arrive while one is being written share the next write and fdatasync.
   */
  append(id: string, line: string): Promise<void>;
  /** True when `id`'s line is in the journal (not finished). */
  has(id: string): boolean;
  /** `id`'s line, read back from its segment. */
  read(id: string): Promise<string>;
  /**
   * The event is finished (recorded durably elsewhere first): its segment file is removed once
   * every event in it is. The unlink is not fsynced: a segment that comes back after a power loss
   * holds only finished events, cleaned up at the next start.
   */
  release(id: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The spool's intake journal (issue 25): accepted events appended as JSON lines to a segment file
 * with group commit, so N deliveries arriving together cost one write and one fdatasync before their
 * 202s, where one file per event cost N files, N fdatasyncs and a folder sync (measured in
 * packages/webhooks/bench/RESULTS.md). A segment takes appends up to SEGMENT_BYTES (or until a write
 * to it fails: a torn line is only ever the last one of a segment), and is deleted once all of its
 * events are finished. One process per spool directory (as for the whole spool).
 */
export function createIntakeJournal(spoolDir: string): IntakeJournal {
  const dir = path.join(spoolDir, INTAKE_DIR);
  const syncDir = createDirSync(dir);
  const places = new Map<string, Place>();
  const segments = new Map<string, Segment>();
  let current: Segment | undefined;
  let nextNumber = 1;
  let waiting: Array<{ id: string; line: string; resolve: () => void; reject: (err: unknown) => void }> = [];
  let writing: Promise<void> | undefined;

  const fileOf = (name: string) => path.join(dir, name);

  const retire = async (segment: Segment) => {
    segments.delete(segment.name);
    if (current === segment) current = undefined;
    const handle = segment.handle;
    segment.handle = undefined;
    await handle?.close().catch(() => undefined);
    await unlink(segment.file).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  };

  const openSegment = async (): Promise<Segment> => {
    const name = `${String(nextNumber++).padStart(10, '0')}.log`;
    const segment: Segment = { name, file: fileOf(name), size: 0, open: new Set() };
    segment.handle = await open(segment.file, 'wx', 0o600);
    // Its name is durable before any 202 depends on a line in it.
    await syncDir();
    segments.set(name, segment);
    current = segment;
    return segment;
  };

  const writeBatch = async () => {
    const batch = waiting;
    waiting = [];
    const lines = batch.map((w) => `${w.line}\n`);
    const text = lines.join('');
    let segment = current;
    try {
      if (!segment || segment.size >= SEGMENT_BYTES) {
        if (segment) {
          const old = segment;
          await old.handle?.close();
          old.handle = undefined;
          if (old.open.size === 0) await retire(old);
        }
        segment = await openSegment();
      }
      // A spool folder removed under the running service must fail the appends (503), not take
      // them into a file no start will read.
      if ((await segment.handle!.stat()).nlink === 0) {
        throw Object.assign(new Error(`intake segment ${segment.name} was removed`), { code: 'ENOENT' });
      }
      const data = Buffer.from(text);
      await segment.handle!.write(data, 0, data.length, segment.size);
      await segment.handle!.datasync();
    } catch (err) {
      // What reached the file is unknown: nothing more goes into it (a torn line stays its last).
      if (segment) {
        await segment.handle?.close().catch(() => undefined);
        segment.handle = undefined;
        if (current === segment) current = undefined;
        segment.size = Infinity;
        if (segment.open.size === 0 && segments.has(segment.name))
          await retire(segment).catch(() => undefined);
      }
      for (const w of batch) w.reject(err);
      return;
    }
    let offset = segment.size;
    batch.forEach((w, i) => {
      const length = Buffer.byteLength(lines[i]!);
      places.set(w.id, { segment: segment, offset, length: length - 1 });
      segment.open.add(w.id);
      offset += length;
    });
    segment.size = offset;
    for (const w of batch) w.resolve();
  };

  const kick = () => {
    if (writing || waiting.length === 0) return;
    writing = writeBatch().finally(() => {
      writing = undefined;
      kick();
    });
  };

  return {
    async load() {
      await mkdir(dir, { recursive: true });
      const entries: JournalEntry[] = [];
      const broken: Array<{ name: string; bytes: string }> = [];
      for (const read of await readSegments(spoolDir)) {
        nextNumber = Math.max(nextNumber, read.number + 1);
        const segment: Segment = {
          name: read.name,
          file: fileOf(read.name),
          size: Infinity,
          open: new Set(),
        };
        for (const line of read.lines) {
          if (line.id !== undefined && !places.has(line.id)) {
            places.set(line.id, { segment, offset: line.offset, length: line.length });
            segment.open.add(line.id);
            entries.push({ id: line.id, line: line.text });
          } else {
            broken.push({ name: `${read.name.slice(0, -'.log'.length)}-${line.number}`, bytes: line.text });
          }
        }
        segments.set(read.name, segment);
        if (segment.open.size === 0) await retire(segment);
      }
      return { entries, broken };
    },

    append(id, line) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ id, line, resolve, reject });
        kick();
      });
    },

    has: (id) => places.has(id),

    async read(id) {
      const place = places.get(id);
      if (!place) throw Object.assign(new Error(`no journal line for event ${id}`), { code: 'ENOENT' });
      const handle = await open(place.segment.file, 'r');
      try {
        const buf = Buffer.alloc(place.length);
        await handle.read(buf, 0, place.length, place.offset);
        return buf.toString('utf8');
      } finally {
        await handle.close();
      }
    },

    async release(id) {
      const place = places.get(id);
      if (!place) return;
      places.delete(id);
      const { segment } = place;
      segment.open.delete(id);
      if (segment.open.size > 0) return;
      // The current segment goes too once empty and not being written: the next append opens another.
      if (segment === current && (writing || waiting.length > 0)) return;
      await retire(segment);
    },

    async close() {
      while (writing) await writing;
      for (const segment of segments.values()) {
        const handle = segment.handle;
        segment.handle = undefined;
        await handle?.close().catch(() => undefined);
      }
      current = undefined;
      await syncDir.close();
    },
  };
}

interface SegmentLine {
  /** 1-based. */
  number: number;
  text: string;
  offset: number;
  length: number;
  /** meta.id, when the line is JSON with one. */
  id?: string;
}

/**
 * The segments in `<spoolDir>/intake`, oldest first, with their whole lines (not blank ones). The
 * part after a segment's last newline is never a stored event: its fdatasync never finished.
 */
export async function readSegments(
  spoolDir: string,
): Promise<Array<{ name: string; number: number; lines: SegmentLine[] }>> {
  const dir = path.join(spoolDir, INTAKE_DIR);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => SEGMENT.test(n)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const segments = [];
  for (const name of names) {
    // Split on bytes: offsets stay exact even if a disk fault left bytes that are not UTF-8.
    const bytes = await readFile(path.join(dir, name));
    const lines: SegmentLine[] = [];
    for (let offset = 0, number = 1; ; number++) {
      const end = bytes.indexOf(0x0a, offset);
      if (end === -1) break;
      const text = bytes.toString('utf8', offset, end);
      if (text.trim() !== '') lines.push({ number, text, offset, length: end - offset, ...idOf(text) });
      offset = end + 1;
    }
    segments.push({ name, number: Number(SEGMENT.exec(name)![1]), lines });
  }
  return segments;
}

function idOf(text: string): { id?: string } {
  try {
    const id = (JSON.parse(text) as { meta?: { id?: unknown } }).meta?.id;
    return typeof id === 'string' ? { id } : {};
  } catch {
    return {};
  }
}
