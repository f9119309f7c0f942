import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { TemporaryError } from '@devops/errors';
import { buildMultipart } from './build-multipart';

export interface SendResult {
  status: number;
  body: string;
  /** The answer's headers (Retry-After decides when to send again). */
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The connection failed before the whole body was sent: release-api publishes nothing it has not
 * read to the end (the MD5 is checked over every byte), so sending it again is always safe.
 */
export class UploadCutShort extends TemporaryError {
  constructor(message: string, cause: unknown) {
    super(`${message} (before the end of the upload: nothing was published)`, { cause });
  }
}

/**
 * POSTs the release as multipart/form-data to `<url>/releases`, streaming the
 * file from disk (exact Content-Length, no chunked encoding, nothing held
 * whole in memory). The secret goes in the Authorization header, never in
 * the body. When the server answers before the body is sent (401, 409, 413),
 * that answer is returned and the rest is not sent.
 */
export function sendRelease(opts: {
  url: string;
  secret: string;
  fields: [string, string][];
  file: string;
  size: number;
  onBytes?: (n: number) => void;
}): Promise<SendResult> {
  const frame = buildMultipart(opts.fields, opts.file);
  const target = new URL(`${opts.url.replace(/\/+$/, '')}/releases`);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = client.request(target, {
      method: 'POST',
      headers: {
        'Content-Type': frame.contentType,
        'Content-Length': String(frame.head.length + opts.size + frame.tail.length),
        Authorization: `Bearer ${opts.secret}`,
        Accept: 'application/json',
      },
    });
    const source = fs.createReadStream(opts.file, { highWaterMark: 1024 * 1024 });
    req.on('response', (res) => {
      answered = true;
      source.destroy();
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: res.headers,
        }),
      );
      res.on('error', (err) =>
        reject(new TemporaryError(`reading the answer of ${target.origin} failed: ${err.message}`)),
      );
    });
    let bodySent = false;
    req.on('finish', () => (bodySent = true));
    req.on('error', (err) => {
      // A server that answered early may reset the connection while we still send: its answer counts.
      if (answered) return;
      const message = `could not send to ${target.origin}: ${err.message}`;
      reject(bodySent ? new TemporaryError(message, { cause: err }) : new UploadCutShort(message, err));
    });
    source.on('error', (err) => {
      req.destroy();
      reject(err);
    });
    req.write(frame.head);
    source.on('data', (chunk: Buffer | string) => {
      opts.onBytes?.(chunk.length);
      if (!req.write(chunk)) {
        source.pause();
        req.once('drain', () => source.resume());
      }
    });
    source.on('end', () => {
      if (!answered) req.end(frame.tail);
    });
  });
}
