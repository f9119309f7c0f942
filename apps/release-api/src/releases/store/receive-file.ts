import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HashingWriter, NotGzipError } from './hashing-writer';
import { RELEASE_FILE_MODE } from '../publish/write-release-record';

export { NotGzipError };

export interface ReceivedFile {
  md5: string;
  sha256: string;
  size: number;
}

/**
 * Streams `source` into `file` (created exclusively, fsynced before close) or,
 * without a file, only reads it, computing MD5, SHA-256 and size in the same
 * pass (HashingWriter). Fails with NotGzipError as soon as the first two
 * bytes are known not to be 1f 8b. On any failure the file is removed.
 * Nothing is held whole in memory: about 512 KiB gathers while the
 * previous ~512 KiB is written.
 */
export async function receiveFile(
  source: Readable,
  opts: {
    file?: string;
    signal: AbortSignal;
    onBytes?: (n: number) => void;
    /** `source` is the request body's own (busboy's file stream): free each chunk once written. */
    freeChunks?: boolean;
  },
): Promise<ReceivedFile> {
  const handle = opts.file ? await fs.promises.open(opts.file, 'wx', RELEASE_FILE_MODE) : undefined;
  await handle?.chmod(RELEASE_FILE_MODE); // the mode asked for, not what the umask leaves of it
  const sink = new HashingWriter(handle?.fd, { onBytes: opts.onBytes, freeChunks: opts.freeChunks });
  try {
    await pipeline(source, sink, { signal: opts.signal });
  } catch (err) {
    sink.destroy();
    if (!sink.closed) await new Promise((resolve) => sink.once('close', resolve));
    await handle?.close();
    if (opts.file) await fs.promises.rm(opts.file, { force: true });
    throw err;
  }
  await handle?.close();
  return sink.digests();
}
