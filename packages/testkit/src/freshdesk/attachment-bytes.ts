import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';

const CHUNK = 64 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

/**
 * Deterministic bytes for a seed, generated as they are read (an AES-128-CTR
 * keystream): tens of MB cost one 64 KiB chunk of memory at a time.
 */
export function generatedBytes(seed: string, size: number): Readable {
  const key = createHash('sha256').update(seed).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  let left = size;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      if (left <= 0) {
        this.push(null);
        return;
      }
      const n = Math.min(CHUNK, left);
      left -= n;
      this.push(cipher.update(n === CHUNK ? ZEROS : ZEROS.subarray(0, n)));
    },
  });
}

/** MD5 (hex) of what `generatedBytes(seed, size)` produces. */
export async function generatedBytesMd5(seed: string, size: number): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of generatedBytes(seed, size)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
