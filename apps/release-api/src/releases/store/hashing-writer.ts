import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import { Writable } from 'node:stream';
import { freeBodyChunks, ownsItsBuffer } from './free-body-chunks';
import { openRemoteHashes, type RemoteHashes } from './hash-worker';

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

/** Chunks gathered while one write is on the disk: one writev per ~512 KiB. */
const BATCH_BYTES = 512 * 1024;
/** How far the hashing worker may fall behind before the upload waits for it (memory bound). */
const MAX_BEHIND_BYTES = 2 * 1024 * 1024;

type Callback = (err?: Error | null) => void;

/**
 * A Writable that hashes every chunk (MD5 + SHA-256) and writes it to `fd`
 * at its position. While one batch is being written (writev, on the libuv
 * pool), the next chunks gather in the stream's buffer (up to ~512 KiB, then the
 * source is paused): memory stays bounded whatever the file size, and there
 * is no promise or copy per chunk. On finish: fsync, then the digests.
 * Without `fd` it only hashes. The first two bytes must be 1f 8b
 * (NotGzipError otherwise, at once). The caller owns and closes `fd`.
 * With `freeChunks` (chunks nobody else holds: the request body's), the
 * hashing is done on a worker thread (hash-worker.ts): once written, each
 * batch's buffers are moved there (not copied; the last buffer of a batch,
 * which the next batch may still view, is copied instead), hashed and freed.
 * The upload waits when the worker is more than 2 MiB behind. Chunks that
 * stay here are freed once written (free-body-chunks.ts).
 */
export class HashingWriter extends Writable {
  /** The hashes computed here, when there is no worker for them (chunks somebody else holds). */
  private readonly inline: { md5: Hash; sha256: Hash } | undefined;
  private size = 0;
  private head = 0;
  private result: Digests | undefined;
  /** File operations in flight, and who waits for none to be (so `fd` is never closed under one). */
  private inFlight = 0;
  private idle: Array<() => void> = [];
  private readonly onBytes: ((n: number) => void) | undefined;
  private readonly chunks: ReturnType<typeof freeBodyChunks> | undefined;
  private readonly remote: RemoteHashes | undefined;

  constructor(
    private readonly fd: number | undefined,
    opts: { onBytes?: (n: number) => void; freeChunks?: boolean } = {},
  ) {
    super({ highWaterMark: BATCH_BYTES });
    this.onBytes = opts.onBytes;
    this.chunks = opts.freeChunks ? freeBodyChunks() : undefined;
    this.remote = opts.freeChunks ? openRemoteHashes() : undefined;
    this.inline = this.remote ? undefined : { md5: createHash('md5'), sha256: createHash('sha256') };
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
      this.inline?.md5.update(chunk);
      this.inline?.sha256.update(chunk);
      this.size += chunk.length;
      buffers.push(chunk);
    }
    this.onBytes?.(this.size - position);
    if (this.fd === undefined) return this.written(buffers, this.size - position, done);
    this.io(
      (cb) => this.writeAll(buffers, position, cb),
      (err) => (err ? done(err) : this.written(buffers, this.size - position, done)),
    );
  }

  /** A batch is on the disk (or there is no file): hand it to the worker, free what stays. */
  private written(buffers: Buffer[], bytes: number, done: Callback): void {
    const remote = this.remote;
    if (remote) {
      const last = buffers.at(-1)?.buffer;
      const segments: Array<[ArrayBuffer, number, number]> = [];
      for (const chunk of buffers) {
        if (chunk.length === 0) continue;
        if (ownsItsBuffer(chunk) && chunk.buffer !== last) {
          segments.push([chunk.buffer as ArrayBuffer, chunk.byteOffset, chunk.byteLength]);
        } else {
          const copy = new Uint8Array(chunk);
          segments.push([copy.buffer, 0, copy.byteLength]);
        }
      }
      remote.update(segments, bytes);
    }
    // Moved buffers are detached now: only the ones that stayed here are freed.
    this.chunks?.done(buffers);
    if (!remote || remote.behind() <= MAX_BEHIND_BYTES) return done();
    remote.whenBehindAtMost(MAX_BEHIND_BYTES / 2).then(() => done(), done);
  }

  override _final(done: Callback): void {
    if (this.head < 2) return done(new NotGzipError());
    // Every chunk has been hashed and written (or only hashed) by now.
    this.chunks?.flush();
    const finish = (err?: Error | null) => {
      if (err) return done(err);
      if (this.inline) {
        const { md5, sha256 } = this.inline;
        this.result = { md5: md5.digest('hex'), sha256: sha256.digest('hex'), size: this.size };
        return done();
      }
      this.remote!.digest().then(({ md5, sha256 }) => {
        this.result = { md5, sha256, size: this.size };
        done();
      }, done);
    };
    if (this.fd === undefined) return finish();
    this.io((cb) => fs.fsync(this.fd!, cb), finish);
  }

  override _destroy(err: Error | null, done: Callback): void {
    this.remote?.discard();
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
