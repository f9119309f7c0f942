import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface ReceivedFile {
  md5: string;
  sha256: string;
  size: number;
}

export class NotGzipError extends Error {
  constructor() {
    super('the file is not a gzip stream (it does not start with the gzip magic bytes 1f 8b)');
  }
}

/** Large writes: fewer syscalls and thread-pool round trips per GiB. */
const WRITE_HIGH_WATER_MARK = 1024 * 1024;

/**
 * Streams `source` into `file` (created exclusively, fsynced before close) or,
 * without a file, only reads it, computing MD5, SHA-256 and size in the same
 * pass. Fails with NotGzipError as soon as the first two bytes are known not
 * to be 1f 8b. On any failure the file is removed. Nothing is held whole in
 * memory: each chunk is hashed and handed on.
 */
export async function receiveFile(
  source: Readable,
  opts: { file?: string; signal: AbortSignal; onBytes?: (n: number) => void },
): Promise<ReceivedFile> {
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  let size = 0;
  const head: number[] = [];

  async function* hashing(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      if (head.length < 2) {
        for (let i = 0; i < chunk.length && head.length < 2; i++) head.push(chunk[i]!);
        if ((head.length >= 1 && head[0] !== 0x1f) || (head.length === 2 && head[1] !== 0x8b)) {
          throw new NotGzipError();
        }
      }
      md5.update(chunk);
      sha256.update(chunk);
      size += chunk.length;
      opts.onBytes?.(chunk.length);
      yield chunk;
    }
    if (head.length < 2) throw new NotGzipError();
  }

  const sink = opts.file
    ? fs.createWriteStream(opts.file, {
        flags: 'wx',
        mode: 0o644,
        highWaterMark: WRITE_HIGH_WATER_MARK,
        flush: true,
      })
    : new Writable({ write: (_chunk, _enc, done) => done() });
  try {
    await pipeline(source, hashing, sink, { signal: opts.signal });
  } catch (err) {
    if (opts.file) await fs.promises.rm(opts.file, { force: true });
    throw err;
  }
  return { md5: md5.digest('hex'), sha256: sha256.digest('hex'), size };
}
