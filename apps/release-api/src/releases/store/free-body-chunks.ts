/** Buffers smaller than this are left to the garbage collector: freeing them gains little. */
const MIN_OWN_BYTES = 16 * 1024;

/**
 * Whether `chunk` is the main view of a buffer of its own, so that freeing
 * the buffer harms no one else. Node's pool for small buffers
 * (`Buffer.poolSize`: 64 KiB on Node 24, the size of a body chunk) is shared
 * by many live buffers, each smaller than half of it: a view covering more
 * than half of its buffer is never one of those.
 */
export function ownsItsBuffer(chunk: Uint8Array): boolean {
  const buffer = chunk.buffer;
  return (
    buffer instanceof ArrayBuffer &&
    !buffer.resizable &&
    typeof buffer.transfer === 'function' &&
    buffer.byteLength >= MIN_OWN_BYTES &&
    chunk.byteLength * 2 > buffer.byteLength
  );
}

/**
 * Frees the memory of HTTP body chunks as soon as they have been hashed and
 * written, instead of leaving it for V8's garbage collector.
 *
 * Node's HTTP parser copies every body chunk (up to 64 KiB) into a fresh
 * ArrayBuffer outside the V8 heap; busboy hands the file's bytes on as views
 * of those buffers. Unreferenced, such memory is returned only when V8
 * collects the small JS object that owns it, and V8 lets ~64 MiB of it pile
 * up before it does: that was most of an upload's peak RSS. Detaching the
 * buffer (`ArrayBuffer.prototype.transfer(0)`, ES2024) releases its memory at
 * once (test/free-body-chunks.test.ts shows it on the current Node).
 *
 * Only for chunks nobody else holds: the views busboy makes of the request
 * body. Views of one buffer arrive one after another (one parser chunk at a
 * time), so the buffer of the last chunk seen is kept until a chunk of
 * another buffer has been done with, or until `flush()`.
 *
 * Returns `done(chunks)`, called with chunks in the order they arrived once
 * they are no longer needed, and `flush()`, called when no chunk will follow.
 */
export function freeBodyChunks(): { done(chunks: readonly Uint8Array[]): void; flush(): void } {
  let kept: ArrayBuffer | undefined;
  const free = (buffer: ArrayBuffer) => {
    if (!buffer.detached) buffer.transfer(0);
  };
  return {
    done(chunks) {
      for (const chunk of chunks) {
        if (!ownsItsBuffer(chunk)) continue;
        const buffer = chunk.buffer as ArrayBuffer;
        if (buffer === kept) continue;
        if (kept) free(kept);
        kept = buffer;
      }
    },
    flush() {
      if (kept) free(kept);
      kept = undefined;
    },
  };
}
