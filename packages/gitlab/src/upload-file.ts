import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import FormData from 'form-data';
import type { HttpLayer, RawAnswer } from './create-http-layer';
import type { Upload } from './port';
import { readRawAnswer } from './read-raw-answer';
import { toUpload } from './to-port';

export interface UploadInput {
  filename: string;
  /** The bytes: a stream (sent once, not retried), or a function opening a fresh stream (retried like any request). */
  content: Readable | (() => Readable);
  size?: number;
  contentType?: string;
}

/**
 * POST /projects/:id/uploads as a streamed multipart body: the `form-data` package writes the parts and pipes
 * the file into a node:http(s) request with backpressure, so nothing is held whole in memory. (gitbeaker's
 * upload wants a Blob, and Node 20's fetch buffered a streamed request body in our measurements: see README.)
 * It goes through the shared HTTP layer: same timeout, error sorting and retry rules.
 */
export async function uploadFile(
  http: HttpLayer,
  target: { url: URL; headers: Record<string, string>; timeoutMs: number },
  file: UploadInput,
): Promise<Upload> {
  const open = typeof file.content === 'function' ? file.content : undefined;
  let used = false;

  const transport = (signal: AbortSignal) =>
    new Promise<RawAnswer>((resolve, reject) => {
      if (!open && used) throw new Error('upload stream already consumed');
      used = true;
      const source = open ? open() : (file.content as Readable);
      const form = new FormData();
      form.append('file', source, {
        filename: file.filename,
        contentType: file.contentType ?? 'application/octet-stream',
        ...(file.size !== undefined ? { knownLength: file.size } : {}),
      });
      const headers: Record<string, string> = {
        ...target.headers,
        ...(form.getHeaders() as Record<string, string>),
      };
      if (file.size !== undefined) headers['content-length'] = String(form.getLengthSync());
      const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(target.url, { method: 'POST', headers, signal }, (res: IncomingMessage) => {
        readRawAnswer(res).then(resolve, reject);
      });
      req.on('error', reject);
      source.on('error', (err: Error) => req.destroy(err));
      form.on('error', (err: Error) => req.destroy(err));
      form.pipe(req);
    });

  const answer = await http.send({
    method: 'POST',
    url: target.url,
    headers: target.headers,
    transport,
    replayable: open !== undefined,
    timeoutMs: target.timeoutMs,
  });
  return toUpload(answer.body as Record<string, unknown>);
}
