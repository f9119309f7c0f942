// Helpers shared by this app's benches: gzip files of any size, waiting for a port (free ports: testkit's).
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import { freePort, waitFor } from '@devops/testkit';

export { freePort };

/** A valid gzip file of `size` bytes of random data (stored blocks, written by hand: fast for GiBs). */
export function makeTgz(file, size) {
  const fd = fs.openSync(file, 'w');
  const block = randomBytes(65535);
  const md5 = createHash('md5');
  const write = (b) => {
    fs.writeSync(fd, b);
    md5.update(b);
  };
  write(Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]));
  let left = size;
  let crc = 0;
  const big = Buffer.alloc(64 * (65535 + 5));
  while (left > 0) {
    let off = 0;
    for (let i = 0; i < 64 && left > 0; i++) {
      const n = Math.min(65535, left);
      left -= n;
      block.writeUInt32LE(left, 0); // vary the data a little
      big[off] = left === 0 ? 1 : 0;
      big.writeUInt16LE(n, off + 1);
      big.writeUInt16LE(~n & 0xffff, off + 3);
      block.copy(big, off + 5, 0, n);
      crc = crc32(block.subarray(0, n), crc);
      off += 5 + n;
    }
    write(big.subarray(0, off));
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size % 2 ** 32, 4);
  write(trailer);
  fs.closeSync(fd);
  return md5.digest('hex');
}
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf, prev) {
  let c = ~prev;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** Resolves once something listens on `port` (10 s at most). */
export async function waitForPort(port) {
  const listens = () =>
    new Promise((r) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
  await waitFor(listens, { timeoutMs: 10_000, intervalMs: 100, what: `something to listen on ${port}` });
}
