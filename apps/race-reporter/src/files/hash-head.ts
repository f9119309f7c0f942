import { createHash } from 'node:crypto';
import { openLogStream } from './open-log-stream';

/** How many leading (decompressed) bytes identify a log file. */
export const HEAD_BYTES = 4096;

export interface Head {
  hash: string;
  /** Bytes hashed: HEAD_BYTES, or fewer when the file was shorter. */
  bytes: number;
}

/**
 * Hashes the first `limit` bytes of a log's content (decompressed for .gz):
 * the identity that survives rename and compression by logrotate, and that
 * changes when a file is truncated and rewritten.
 */
export async function hashHead(filePath: string, limit = HEAD_BYTES): Promise<Head> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of openLogStream(filePath, 0, Buffer.allocUnsafe(Math.min(limit, 64 * 1024)))) {
    const take = Math.min(chunk.length, limit - bytes);
    hash.update(chunk.subarray(0, take));
    bytes += take;
    if (bytes >= limit) break;
  }
  return { hash: hash.digest('hex').slice(0, 32), bytes };
}
