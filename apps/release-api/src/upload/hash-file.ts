import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';

/** MD5 and SHA-256 of a file in one streaming pass (never the whole file in memory). */
export async function hashFile(
  file: string,
  onBytes?: (n: number) => void,
): Promise<{ md5: string; sha256: string }> {
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  await pipeline(
    fs.createReadStream(file, { highWaterMark: 1024 * 1024 }),
    async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) {
        md5.update(chunk);
        sha256.update(chunk);
        onBytes?.(chunk.length);
      }
    },
  );
  return { md5: md5.digest('hex'), sha256: sha256.digest('hex') };
}
