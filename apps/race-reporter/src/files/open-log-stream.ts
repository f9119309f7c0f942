import fs from 'node:fs';
import { createGunzip } from 'node:zlib';

/** Rotated logs compressed by logrotate/gzip. */
export function isCompressed(filePath: string): boolean {
  return filePath.endsWith('.gz');
}

/**
 * The file's (decompressed) bytes from `from` on, as chunks. Plain files are
 * read from `from` directly; `.gz` files are gunzipped from their start and
 * the first `from` decompressed bytes skipped (offsets of a compressed file
 * are offsets into its content). Never more than one chunk in memory.
 */
export async function* openLogStream(
  filePath: string,
  from: number,
  chunkBytes = 256 * 1024,
): AsyncGenerator<Buffer> {
  const raw = fs.createReadStream(filePath, {
    highWaterMark: chunkBytes,
    start: isCompressed(filePath) ? 0 : from,
  });
  if (!isCompressed(filePath)) {
    for await (const chunk of raw) yield chunk as Buffer;
    return;
  }
  const gunzip = raw.pipe(createGunzip({ chunkSize: chunkBytes }));
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
