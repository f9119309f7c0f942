import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Writable } from 'node:stream';
import { freeBodyChunks } from './free-body-chunks';

export interface Digests {
  md5: string;
  sha256: string;
  size: number;
}

export class NotGzipError extends Error {
  constructor() {
    super('the file is not a gzip stream (it does not start with the gzip magic bytes 1f 8b)');
  }
}

/** Chunks gathered while one write is on the disk: one writev per ~1 MiB. */
const BATCH_BYTES = 1024 * 1024;

type Callback = (err?: Error | null) => void;

/**
 * A Writable that hashes every chunk (MD5 + SHA-256) and writes it to `fd`
 * at its position. While one batch is being written (writev, on the libuv
 * pool), the next chunks gather in the stream's buffer (up to ~1 MiB, then the
 * source is paused): memory stays bounded whatever the file size, and there
 * is no promise or copy per chunk. On finish: fsync, then the digests.
 * Without `fd` it only hashes. The first two bytes must be 1f 8b
 * (NotGzipError otherwise, at once). The caller owns and closes `fd`.
 * With `freeChunks` (chunks nobody else holds: the request body's), each
 * chunk's memory is freed once it is hashed and written (free-body-chunks.ts).
 */
export class HashingWriter extends Writable {
  private readonly md5 = createHash('md5');
  private readonly sha256 = createHash('sha256');
  private size = 0;
  private head = 0;
  private result: Digests | undefined;
  /** File operations in flight, and who waits for none to be (so `fd` is never closed under one). */
  private inFlight = 0;
  private idle: Array<() => void> = [];
  private readonly onBytes: ((n: number) => void) | undefined;
  private readonly chunks: ReturnType<typeof freeBodyChunks> | undefined;

  constructor(
    private readonly fd: number | undefined,
    opts: { onBytes?: (n: number) => void; freeChunks?: boolean } = {},
  ) {
    super({ highWaterMark: BATCH_BYTES });
    this.onBytes = opts.onBytes;
    this.chunks = opts.freeChunks ? freeBodyChunks() : undefined;
  }

  /** The checksums and size, once the stream finished. */
  digests(): Digests {
    if (!this.result) throw new Error('the upload is not complete');
    return this.result;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: Callback): void {
    this._writev([{ chunk }], done);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, done: Callback): void {
    const buffers: Buffer[] = [];
    const position = this.size;
    for (const { chunk } of chunks) {
      for (let i = 0; i < chunk.length && this.head < 2; i++, this.head++) {
        if (chunk[i] !== (this.head === 0 ? 0x1f : 0x8b)) return done(new NotGzipError());
      }
      this.md5.update(chunk);
      this.sha256.update(chunk);
      this.size += chunk.length;
      buffers.push(chunk);
    }
    this.onBytes?.(this.size - position);
    if (this.fd === undefined) {
      this.chunks?.done(buffers);
      return done();
    }
    this.io(
      (cb) => this.writeAll(buffers, position, cb),
      (err) => {
        if (!err) this.chunks?.done(buffers);
        done(err);
      },
    );
  }

  override _final(done: Callback): void {
    if (this.head < 2) return done(new NotGzipError());
    // Every chunk has been hashed and written (or only hashed) by now.
    this.chunks?.flush();
    const finish = (err?: Error | null) => {
      if (err) return done(err);
      this.result = { md5: this.md5.digest('hex'), sha256: this.sha256.digest('hex'), size: this.size };
      done();
    };
    if (this.fd === undefined) return finish();
    this.io((cb) => fs.fsync(this.fd!, cb), finish);
  }

  override _destroy(err: Error | null, done: Callback): void {
    if (this.inFlight === 0) return done(err);
    this.idle.push(() => done(err));
  }

  private io(start: (cb: Callback) => void, then: Callback): void {
    this.inFlight++;
    start((err) => {
      this.inFlight--;
      then(err);
      if (this.inFlight === 0) for (const wake of this.idle.splice(0)) wake();
    });
  }

  private writeAll(buffers: Buffer[], position: number, done: Callback): void {
    fs.writev(this.fd!, buffers, position, (err, written) => {
      if (err) return done(err);
      const total = buffers.reduce((n, b) => n + b.length, 0);
      if (written === total) return done();
      // A short write: go on with what is left.
      let skip = written;
      const rest: Buffer[] = [];
      for (const b of buffers) {
        if (skip >= b.length) skip -= b.length;
        else {
          rest.push(skip ? b.subarray(skip) : b);
          skip = 0;
        }
      }
      this.writeAll(rest, position + written, done);
    });
  }
}
