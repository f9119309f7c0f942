import fs from 'node:fs';
import { createGunzip } from 'node:zlib';

/** Inflated bytes per chunk of a `.gz` (see openLogStream). */
const GZ_CHUNK_BYTES = 32 * 1024;

/** Rotated logs compressed by logrotate/gzip. */
export function isCompressed(filePath: string): boolean {
  return filePath.endsWith('.gz');
}

/**
 * The file's (decompressed) bytes from `from` on, as chunks, each valid only
 * until the next is requested. Plain files are read from `from` directly into
 * `buf` (no garbage per chunk; the scanner lends its own, see createRaceScanner;
 * unused for `.gz`);
 * `.gz` files are gunzipped from their start and the first `from` decompressed
 * bytes skipped (offsets of a compressed file are offsets into its content).
 * Never more than one chunk in memory.
 */
export async function* openLogStream(filePath: string, from: number, buf: Buffer): AsyncGenerator<Buffer> {
  if (!isCompressed(filePath)) {
    // Two halves of `buf`: the next read runs (on libuv's pool) while the caller scans this one, so
    // reading and scanning overlap on two cores instead of taking turns (bench/RESULTS.md).
    const half = Math.floor(buf.length / 2);
    const halves: [Buffer, Buffer] = [buf.subarray(0, half), buf.subarray(half, 2 * half)];
    const handle = await fs.promises.open(filePath, 'r');
    let pending: Promise<{ bytesRead: number }> | undefined;
    try {
      let pos = from;
      let next: 0 | 1 = 0;
      pending = handle.read(halves[next], 0, half, pos);
      for (;;) {
        const { bytesRead } = await pending;
        pending = undefined;
        if (bytesRead === 0) return;
        pos += bytesRead;
        const ready = halves[next];
        next = next === 0 ? 1 : 0;
        pending = handle.read(halves[next], 0, half, pos);
        yield ready.subarray(0, bytesRead);
      }
    } finally {
      // A read still in flight writes into `buf`; the handle closes once it is done.
      await pending?.catch(() => undefined);
      await handle.close();
    }
  }
  // Every inflated chunk is a new buffer (zlib streams cannot fill a caller's one): garbage outside
  // the V8 heap, freed only when a collection finds its Buffer dead. Measured (bench/RESULTS.md), a 1 GiB
  // gz bomb alone with --max-semi-space-size=1 (without): 92 (139) MiB with 64 KiB chunks, 2-3x faster;
  // 85 (110) with 32 KiB; 79 (98) with 16 KiB, 40% slower.
  const raw = fs.createReadStream(filePath, { highWaterMark: 64 * 1024 });
  const gunzip = raw.pipe(createGunzip({ chunkSize: GZ_CHUNK_BYTES }));
  raw.on('error', (err) => gunzip.destroy(err));
  let seen = 0;
  try {
    for await (const chunk of gunzip) {
      const buf = chunk as Buffer;
      const skip = Math.min(buf.length, Math.max(0, from - seen));
      seen += buf.length;
      if (skip < buf.length) yield skip > 0 ? buf.subarray(skip) : buf;
    }
  } finally {
    raw.destroy();
    gunzip.destroy();
  }
}
