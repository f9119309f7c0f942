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
    req.on('error', (err) => {
      // A server that answered early may reset the connection while we still send: its answer counts.
      if (answered) return;
      reject(new TemporaryError(`could not send to ${target.origin}: ${err.message}`, { cause: err }));
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
