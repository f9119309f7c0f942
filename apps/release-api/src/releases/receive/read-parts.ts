import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { MAX_FIELD_BYTES } from './validate-fields';
import { badRequest, UploadRefused, type Outcome } from '../refusals';

/** A file part's stream; `truncated` once busboy cut it at the size limit. */
export type FileStream = Readable & { truncated?: boolean };

export type Part =
  | { kind: 'field'; name: string; value: string; truncated: boolean }
  | { kind: 'file'; name: string; stream: FileStream };

export interface PartReader {
  /**
   * The next part of the body, undefined once it ended. Rejects with
   * UploadRefused (malformed multipart, too many parts) or, once `signal`
   * aborted, with its reason. A file part must be read (or the reader
   * stopped) before the next part can arrive.
   */
  next(): Promise<Part | undefined>;
  /** Stops parsing; the rest of the body is left unread. */
  stop(): void;
}

const STREAM_HIGH_WATER_MARK = 256 * 1024;

type Item = Part | undefined | Error;

/**
 * The multipart body as a sequence of parts, in order (busboy underneath):
 * so the stages that decide can read it as a plain loop instead of reacting
 * to callbacks.
 */
export function readParts(req: IncomingMessage, opts: { maxBytes: number; signal: AbortSignal }): PartReader {
  const queue: Item[] = [];
  let waiting: ((item: Item) => void) | undefined;
  const push = (item: Item) => {
    if (!waiting) {
      queue.push(item);
      return;
    }
    const wake = waiting;
    waiting = undefined;
    wake(item);
  };
  const refuse = (outcome: Outcome) => push(new UploadRefused(outcome));
  const reader: PartReader = {
    next() {
      if (opts.signal.aborted) return Promise.reject(opts.signal.reason as Error);
      const take = (item: Item) => (item instanceof Error ? Promise.reject(item) : Promise.resolve(item));
      if (queue.length > 0) return take(queue.shift());
      return new Promise<Item>((resolve) => (waiting = resolve)).then(take);
    },
    stop() {
      // What is left of the body is not read: a refusal closes the connection (closeRefusedRequest).
      if (bb) req.unpipe(bb);
      req.pause();
    },
  };
  let bb: busboy.Busboy | undefined;
  try {
    bb = busboy({
      headers: req.headers,
      highWaterMark: STREAM_HIGH_WATER_MARK,
      fileHwm: STREAM_HIGH_WATER_MARK,
      limits: {
        fieldSize: MAX_FIELD_BYTES + 1,
        fieldNameSize: 200,
        fields: 200,
        files: 1,
        parts: 210,
        fileSize: opts.maxBytes,
      },
    });
  } catch (err) {
    refuse(badRequest(`malformed multipart: ${(err as Error).message}`));
    return reader;
  }
  bb.on('field', (name, value, info) =>
    push({ kind: 'field', name, value, truncated: info.valueTruncated || info.nameTruncated }),
  );
  bb.on('file', (name, stream: FileStream) => {
    // Errors of a part nobody reads must not crash anything; a reader's pipeline sees its own.
    stream.on('error', () => undefined);
    push({ kind: 'file', name, stream });
  });
  bb.on('close', () => push(undefined));
  bb.on('error', (err: Error) => refuse(badRequest(`malformed multipart: ${err.message}`)));
  bb.on('partsLimit', () => refuse(badRequest('too many parts')));
  bb.on('filesLimit', () => refuse(badRequest('only one file part may be sent')));
  bb.on('fieldsLimit', () => refuse(badRequest('too many fields (at most 100 metadata fields)')));
  opts.signal.addEventListener('abort', () => push(opts.signal.reason as Error), { once: true });
  req.pipe(bb);
  return reader;
}
