/**
 * Counts `\n` bytes with WebAssembly SIMD, 16 bytes per step (measured 7-18 GB/s here, against
 * ~0.9 GB/s for a loop of Buffer.indexOf, one native call per line, which was most of a 1 GiB scan:
 * bench/RESULTS.md). WebAssembly can only read its own memory, so a counter owns a memory whose first
 * `readBytes` bytes are lent out as a Buffer: a reader that reads the file straight into it is counted
 * without a copy; any other Buffer is copied through a scratch area in 64 KiB pieces.
 *
 * The module, written out by hand (WebAssembly text format on the left of each line):
 *
 *   (module
 *     (import "env" "memory" (memory 1))
 *     (func (export "count") (param $at i32) (param $end i32) (result i32)
 *       (local $n i32) (local $nl v128)
 *       (local.set $nl (i8x16.splat (i32.const 10)))
 *       (block $wide (loop $step          ;; 16 bytes at a time while 16 remain
 *         (br_if $wide (i32.gt_u (i32.add (local.get $at) (i32.const 16)) (local.get $end)))
 *         (local.set $n (i32.add (local.get $n)
 *           (i32.popcnt (i8x16.bitmask (i8x16.eq (v128.load (local.get $at)) (local.get $nl))))))
 *         (local.set $at (i32.add (local.get $at) (i32.const 16)))
 *         (br $step)))
 *       (block $done (loop $byte          ;; the last 0-15 bytes one by one
 *         (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
 *         (local.set $n (i32.add (local.get $n) (i32.eq (i32.load8_u (local.get $at)) (i32.const 10))))
 *         (local.set $at (i32.add (local.get $at) (i32.const 1)))
 *         (br $byte)))
 *       (local.get $n)))
 *
 * SIMD is part of WebAssembly on every Node since 16.4, enabled by default (no flag);
 * test/count-newlines.test.ts checks the counts against a plain loop.
 */
const MODULE_BYTES = Uint8Array.from([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
  ...[0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f], // types: (i32, i32) -> i32
  ...[0x02, 0x0f, 0x01, 0x03, ...ascii('env'), 0x06, ...ascii('memory'), 0x02, 0x00, 0x01], // import env.memory
  ...[0x03, 0x02, 0x01, 0x00], // functions: one, of type 0
  ...[0x07, 0x09, 0x01, 0x05, ...ascii('count'), 0x00, 0x00], // export "count" = function 0
  ...[0x0a, 0x5e, 0x01, 0x5c], // code: one body of 92 bytes
  ...[0x02, 0x01, 0x7f, 0x01, 0x7b], // locals: $n i32, $nl v128
  ...[0x41, 0x0a, 0xfd, 0x0f, 0x21, 0x03], // $nl = i8x16.splat(10)
  ...[0x02, 0x40, 0x03, 0x40], // block $wide, loop $step
  ...[0x20, 0x00, 0x41, 0x10, 0x6a, 0x20, 0x01, 0x4b, 0x0d, 0x01], // br_if $wide ($at + 16 > $end)
  ...[0x20, 0x02, 0x20, 0x00, 0xfd, 0x00, 0x00, 0x00, 0x20, 0x03], // $n, v128.load $at, $nl
  ...[0xfd, 0x23, 0xfd, 0x64, 0x69, 0x6a, 0x21, 0x02], // eq, bitmask, popcnt, add, -> $n
  ...[0x20, 0x00, 0x41, 0x10, 0x6a, 0x21, 0x00, 0x0c, 0x00, 0x0b, 0x0b], // $at += 16, br $step, end, end
  ...[0x02, 0x40, 0x03, 0x40], // block $done, loop $byte
  ...[0x20, 0x00, 0x20, 0x01, 0x4f, 0x0d, 0x01], // br_if $done ($at >= $end)
  ...[0x20, 0x02, 0x20, 0x00, 0x2d, 0x00, 0x00, 0x41, 0x0a, 0x46, 0x6a, 0x21, 0x02], // $n += load8_u($at) == 10
  ...[0x20, 0x00, 0x41, 0x01, 0x6a, 0x21, 0x00, 0x0c, 0x00, 0x0b, 0x0b], // $at += 1, br $byte, end, end
  ...[0x20, 0x02, 0x0b], // $n, end of body
]);

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

/** The WebAssembly globals used here (the "ES2022" lib does not declare them; "DOM" would bring a browser). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Compiled once: a compiled module holds no state (each counter instantiates it with its own memory). */
const MODULE = new wasm.Module(MODULE_BYTES);
const PAGE = 64 * 1024;
const SCRATCH_BYTES = 64 * 1024;

export interface NewlineCounter {
  /** `readBytes` bytes inside the counter's memory: Buffers read into it are counted in place. */
  buffer: Buffer;
  /** The `\n` bytes in `data[from, to)`. */
  count(data: Buffer, from: number, to: number): number;
}

export function createNewlineCounter(readBytes: number): NewlineCounter {
  const lent = Math.ceil(readBytes / PAGE) * PAGE;
  const memory = new wasm.Memory({ initial: (lent + SCRATCH_BYTES) / PAGE });
  const instance = new wasm.Instance(MODULE, { env: { memory } });
  const countIn = instance.exports.count as (at: number, end: number) => number;
  // The memory never grows, so its ArrayBuffer (and every view of it) stays valid.
  const whole = memory.buffer;
  const scratch = Buffer.from(whole, lent, SCRATCH_BYTES);
  return {
    buffer: Buffer.from(whole, 0, readBytes),
    count(data, from, to) {
      if (to <= from) return 0;
      if (data.buffer === whole) return countIn(data.byteOffset + from, data.byteOffset + to);
      let n = 0;
      for (let at = from; at < to; at += SCRATCH_BYTES) {
        const piece = data.copy(scratch, 0, at, Math.min(to, at + SCRATCH_BYTES));
        n += countIn(lent, lent + piece);
      }
      return n;
    },
  };
}
