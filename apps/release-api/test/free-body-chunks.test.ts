import { freeBodyChunks } from '../src/releases/store/free-body-chunks';

const KiB = 1024;
const MiB = 1024 * KiB;

/** A body chunk as Node's HTTP parser makes it: 64 KiB in an ArrayBuffer of its own. */
const parserChunk = (fill: number) => Buffer.from(new ArrayBuffer(64 * KiB)).fill(fill);

describe('freeBodyChunks (the memory of body chunks, freed once written)', () => {
  it('runs on Node 24, where ArrayBuffer.prototype.transfer exists', () => {
    expect(Number(process.versions.node.split('.')[0])).toBe(24);
    expect(typeof ArrayBuffer.prototype.transfer).toBe('function');
  });

  it('returns the memory of 32 MiB of chunks at once, without waiting for a garbage collection', () => {
    const chunks = Array.from({ length: 512 }, (_, i) => parserChunk(i));
    const before = process.memoryUsage().arrayBuffers;
    const free = freeBodyChunks();
    free.done(chunks.slice(0, 256));
    free.done(chunks.slice(256));
    free.flush();
    const after = process.memoryUsage().arrayBuffers;
    // The chunks are still referenced here: only detaching them can have returned their memory.
    expect(before - after).toBeGreaterThanOrEqual(31 * MiB);
    expect(chunks.every((c) => c.buffer.detached && c.length === 0)).toBe(true);
  });

  it('keeps the last buffer until a chunk of another one is done: more views of it may follow', () => {
    const shared = parserChunk(7);
    const head = shared.subarray(0, 40 * KiB);
    const tail = shared.subarray(40 * KiB);
    const next = parserChunk(8);
    const free = freeBodyChunks();
    free.done([head]);
    expect(tail.length).toBe(24 * KiB);
    expect(tail.every((b) => b === 7)).toBe(true);
    free.done([tail]);
    expect(shared.buffer.detached).toBe(false);
    free.done([next]);
    expect(shared.buffer.detached).toBe(true);
    expect(next.buffer.detached).toBe(false);
    free.flush();
    expect(next.buffer.detached).toBe(true);
  });

  it("never frees Node's shared pool of small buffers, nor small or shared buffers", () => {
    const pooledA = Buffer.from('a pooled buffer');
    const pooledB = Buffer.from('another pooled buffer');
    expect(pooledA.buffer).toBe(pooledB.buffer); // the same pool (64 KiB on Node 24)
    const small = Buffer.from(new ArrayBuffer(8 * KiB)).fill(1);
    const quarter = Buffer.from(new ArrayBuffer(64 * KiB)).subarray(0, 16 * KiB);
    const sharedMemory = Buffer.from(new SharedArrayBuffer(64 * KiB));
    const free = freeBodyChunks();
    free.done([pooledA, small, quarter, sharedMemory]);
    free.flush();
    expect(pooledB.toString()).toBe('another pooled buffer');
    expect(pooledA.toString()).toBe('a pooled buffer');
    expect(small.length).toBe(8 * KiB);
    expect(quarter.buffer.detached).toBe(false);
    expect(sharedMemory.length).toBe(64 * KiB);
  });
});
