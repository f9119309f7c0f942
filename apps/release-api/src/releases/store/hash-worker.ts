import { Worker } from 'node:worker_threads';

/**
 * The worker's code (plain JavaScript, evaluated: the same in dist/ and under
 * jest). Per upload, MD5 and SHA-256 of the segments in the order they
 * arrive; each message's buffers are freed once hashed (they were moved here,
 * nobody else holds them); every message is acknowledged with its bytes.
 */
const SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const uploads = new Map();
const hashesOf = (id) => {
  let h = uploads.get(id);
  if (!h) uploads.set(id, (h = { md5: createHash('md5'), sha256: createHash('sha256') }));
  return h;
};
parentPort.on('message', (m) => {
  if (m.type === 'update') {
    const h = hashesOf(m.id);
    for (const [buffer, offset, length] of m.segments) {
      const view = new Uint8Array(buffer, offset, length);
      h.md5.update(view);
      h.sha256.update(view);
    }
    for (const [buffer] of m.segments) if (!buffer.detached) buffer.transfer(0);
    parentPort.postMessage({ type: 'hashed', id: m.id, bytes: m.bytes });
  } else if (m.type === 'digest') {
    const h = hashesOf(m.id);
    uploads.delete(m.id);
    parentPort.postMessage({ type: 'digest', id: m.id, md5: h.md5.digest('hex'), sha256: h.sha256.digest('hex') });
  } else if (m.type === 'discard') {
    uploads.delete(m.id);
  }
});
`;

/** A segment of a buffer moved to the worker: [buffer, byteOffset, byteLength]. */
type Segment = [ArrayBuffer, number, number];

type Reply =
  | { type: 'hashed'; id: number; bytes: number }
  | { type: 'digest'; id: number; md5: string; sha256: string };

interface Session {
  onHashed(bytes: number): void;
  onDigest?: { resolve(d: { md5: string; sha256: string }): void; reject(err: Error): void };
  onFailure(err: Error): void;
}

/** One upload's hashing in the worker: feed it moved buffers, then ask for the digests. */
export interface RemoteHashes {
  /** Moves `segments`' buffers to the worker (they are detached here) to be hashed in order. */
  update(segments: Segment[], bytes: number): void;
  /** Bytes sent and not yet hashed. */
  behind(): number;
  /** Resolves once the worker has hashed this many bytes fewer than sent (or failed). */
  whenBehindAtMost(bytes: number): Promise<void>;
  digest(): Promise<{ md5: string; sha256: string }>;
  discard(): void;
}

let worker: Worker | undefined;
let nextId = 1;
const sessions = new Map<number, Session>();

function theWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(SOURCE, { eval: true });
  w.on('message', (m: Reply) => {
    const s = sessions.get(m.id);
    if (!s) return;
    if (m.type === 'hashed') s.onHashed(m.bytes);
    else {
      sessions.delete(m.id);
      s.onDigest?.resolve({ md5: m.md5, sha256: m.sha256 });
    }
  });
  const fail = (err: Error) => {
    if (worker === w) worker = undefined;
    for (const s of sessions.values()) s.onFailure(err);
    sessions.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`the hashing worker exited (${code})`)));
  // The worker must not keep the process alive (SIGTERM ends with the HTTP server): after the
  // listeners, which would take the reference again.
  w.unref();
  worker = w;
  return w;
}

/**
 * MD5 and SHA-256 of one upload, computed on a worker thread shared by all
 * uploads of this process: the event loop, which reads the socket, parses the
 * multipart body and writes the file, no longer spends ~2 s per GiB hashing
 * (bench/RESULTS.md). Buffers are moved to the worker, not copied.
 */
export function openRemoteHashes(): RemoteHashes {
  const w = theWorker();
  const id = nextId++;
  let sent = 0;
  let hashed = 0;
  let failure: Error | undefined;
  const waiters: Array<{ bytes: number; resolve(): void; reject(err: Error): void }> = [];
  const wake = () => {
    for (let i = waiters.length - 1; i >= 0; i--) {
      const waiter = waiters[i]!;
      if (failure) waiter.reject(failure);
      else if (sent - hashed <= waiter.bytes) waiter.resolve();
      else continue;
      waiters.splice(i, 1);
    }
  };
  const session: Session = {
    onHashed(bytes) {
      hashed += bytes;
      wake();
    },
    onFailure(err) {
      failure = err;
      session.onDigest?.reject(err);
      wake();
    },
  };
  sessions.set(id, session);
  return {
    update(segments, bytes) {
      if (failure) return;
      sent += bytes;
      const transfer = [...new Set(segments.map(([buffer]) => buffer))];
      w.postMessage({ type: 'update', id, segments, bytes }, transfer);
    },
    behind: () => sent - hashed,
    whenBehindAtMost(bytes) {
      if (failure) return Promise.reject(failure);
      if (sent - hashed <= bytes) return Promise.resolve();
      return new Promise((resolve, reject) => waiters.push({ bytes, resolve, reject }));
    },
    digest() {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        session.onDigest = { resolve, reject };
        w.postMessage({ type: 'digest', id });
      });
    },
    discard() {
      if (!sessions.delete(id)) return;
      w.postMessage({ type: 'discard', id });
    },
  };
}
