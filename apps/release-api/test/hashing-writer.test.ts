import { tempDir } from '@devops/testkit';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HashingWriter, NotGzipError } from '../src/releases/store/hashing-writer';

/** Uneven chunk sizes (1 byte to ~200 KiB) so batches never line up with chunks. */
function chunksOf(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = Math.min(data.length - at, i % 7 === 0 ? 1 : ((i * 7919) % 200_000) + 1);
    out.push(data.subarray(at, at + n));
    at += n;
  }
  return out;
}

describe('HashingWriter (the file sink of an upload)', () => {
  it('[slow] writes 40 MiB exactly, with MD5/SHA-256/size of those bytes, in batches', async () => {
    const data = Buffer.concat([Buffer.from([0x1f, 0x8b]), randomBytes(40 * 1024 * 1024 - 5)]);
    const file = path.join(tempDir('writer'), 'a.tgz');
    const fd = fs.openSync(file, 'wx');
    let counted = 0;
    const sink = new HashingWriter(fd, { onBytes: (n) => (counted += n) });
    await pipeline(Readable.from(chunksOf(data)), sink);
    fs.closeSync(fd);
    expect(sink.digests()).toEqual({
      md5: createHash('md5').update(data).digest('hex'),
      sha256: createHash('sha256').update(data).digest('hex'),
      size: data.length,
    });
    expect(counted).toBe(data.length);
    expect(fs.readFileSync(file).equals(data)).toBe(true);
  });

  it('without a file only hashes', async () => {
    const data = Buffer.concat([Buffer.from([0x1f, 0x8b]), randomBytes(3 * 1024 * 1024)]);
    const sink = new HashingWriter(undefined);
    await pipeline(Readable.from(chunksOf(data)), sink);
    expect(sink.digests().md5).toBe(createHash('md5').update(data).digest('hex'));
    expect(sink.digests().size).toBe(data.length);
  });

  it.each([
    ['a wrong first byte', [Buffer.from([0x1e, 0x8b, 1])]],
    ['a wrong second byte split over two chunks', [Buffer.from([0x1f]), Buffer.from([0x8c, 1, 2])]],
    ['a single byte', [Buffer.from([0x1f])]],
    ['nothing', []],
  ])('refuses %s as not gzip', async (_name, chunks) => {
    const sink = new HashingWriter(undefined);
    await expect(pipeline(Readable.from(chunks), sink)).rejects.toBeInstanceOf(NotGzipError);
  });

  it('[slow] with freeChunks hashes on the worker: the same digests and bytes, buffers moved there and freed', async () => {
    // Like the request body: a fresh 64 KiB buffer per parser chunk, sometimes split into two views.
    const data = Buffer.concat([Buffer.from([0x1f, 0x8b]), randomBytes(12 * 1024 * 1024 - 7)]);
    const chunks: Buffer[] = [];
    for (let at = 0, i = 0; at < data.length; at += 64 * 1024, i++) {
      const own = Buffer.alloc(Math.min(64 * 1024, data.length - at));
      data.copy(own, 0, at, at + own.length);
      if (i % 3 === 0) chunks.push(own.subarray(0, 40_000), own.subarray(40_000));
      else chunks.push(own);
    }
    const file = path.join(tempDir('writer'), 'b.tgz');
    const fd = fs.openSync(file, 'wx');
    const sink = new HashingWriter(fd, { freeChunks: true });
    await pipeline(Readable.from(chunks), sink);
    fs.closeSync(fd);
    expect(sink.digests()).toEqual({
      md5: createHash('md5').update(data).digest('hex'),
      sha256: createHash('sha256').update(data).digest('hex'),
      size: data.length,
    });
    expect(fs.readFileSync(file).equals(data)).toBe(true);
    // Every buffer was either moved to the worker or freed here once written: none is left holding memory.
    expect(chunks.filter((c) => !(c.buffer as ArrayBuffer).detached)).toEqual([]);
  });

  it('with freeChunks, chunks that are small views of a bigger buffer are copied, never taken', async () => {
    const shared = Buffer.concat([Buffer.from([0x1f, 0x8b]), randomBytes(299_998)]);
    const chunks = [0, 1, 2, 3].map((i) => shared.subarray(i * 75_000, (i + 1) * 75_000));
    const sink = new HashingWriter(undefined, { freeChunks: true });
    await pipeline(Readable.from(chunks), sink);
    expect(sink.digests().sha256).toBe(createHash('sha256').update(shared).digest('hex'));
    expect(shared.buffer.detached).toBe(false);
    expect(shared.equals(Buffer.concat(chunks))).toBe(true);
  });
});
