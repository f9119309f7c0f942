import { randomBytes } from 'node:crypto';
import { createNewlineCounter } from '../src/parse/count-newlines';

/** The plain count the WebAssembly one must equal. */
function countByLoop(data: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (data[i] === 0x0a) n++;
  return n;
}

/** Random bytes, a `share` of them newlines. */
function sample(length: number, share: number): Buffer {
  const data = randomBytes(length);
  for (let i = 0; i < length; i++) if (data[i]! / 256 < share) data[i] = 0x0a;
  return data;
}

describe('countNewlines (WebAssembly SIMD)', () => {
  const counter = createNewlineCounter(256 * 1024);

  it.each([0, 1, 15, 16, 17, 31, 32, 33, 4095, 65535, 65536, 65537, 200_003])(
    'counts %i bytes at every alignment, in its own buffer and in any other',
    (length) => {
      const data = sample(length + 16, 0.2);
      for (let from = 0; from < 16; from++) {
        const to = from + length;
        const expected = countByLoop(data, from, to);
        expect(counter.count(data, from, to)).toBe(expected);
        data.copy(counter.buffer, 0);
        expect(counter.count(counter.buffer, from, to)).toBe(expected);
        expect(counter.count(counter.buffer.subarray(from), 0, length)).toBe(expected);
      }
    },
  );

  it('counts only between from and to (bytes around are newlines)', () => {
    counter.buffer.fill(0x0a);
    counter.buffer.fill(0x41, 100, 200);
    counter.buffer[150] = 0x0a;
    expect(counter.count(counter.buffer, 100, 200)).toBe(1);
    const other = Buffer.alloc(300, 0x0a).fill(0x41, 100, 200);
    expect(counter.count(other, 100, 200)).toBe(0);
    expect(counter.count(other, 99, 201)).toBe(2);
  });

  it('all newlines, none, and an empty range', () => {
    expect(counter.count(Buffer.alloc(1000, 0x0a), 0, 1000)).toBe(1000);
    expect(counter.count(Buffer.alloc(1000, 0x0d), 0, 1000)).toBe(0);
    expect(counter.count(Buffer.alloc(10, 0x0a), 5, 5)).toBe(0);
  });
});
