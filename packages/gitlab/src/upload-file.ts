import { PassThrough, type Readable } from 'node:stream';
import FormData from 'form-data';
import type { HttpLayer, RequestBody } from './create-http-layer';
import type { Upload } from './port';
import { toUpload } from './to-port';

export interface UploadInput {
  filename: string;
  /** The bytes: a stream (sent once, not retried), or a function opening a fresh stream (retried like any request). */
  content: Readable | (() => Readable);
  size?: number;
  contentType?: string;
}

/**
 * POST /projects/:id/uploads as a streamed multipart body (the `form-data` package writes the parts and pipes
 * the file through; nothing is held whole in memory). gitbeaker's upload wants a Blob, so this one call goes
 * straight to the shared HTTP layer (same timeout, error sorting and retry rules).
 */
export async function uploadFile(
  http: HttpLayer,
  target: { url: URL; headers: Record<string, string>; timeoutMs: number },
  file: UploadInput,
): Promise<Upload> {
  const open = typeof file.content === 'function' ? file.content : undefined;
  let used = false;
  const makeBody = () => {
    if (!open && used) throw new Error('upload stream already consumed');
    used = true;
    const source = open ? open() : (file.content as Readable);
    const form = new FormData();
    form.append('file', source, {
      filename: file.filename,
      contentType: file.contentType ?? 'application/octet-stream',
      ...(file.size !== undefined ? { knownLength: file.size } : {}),
    });
    const headers = form.getHeaders() as Record<string, string>;
    if (file.size !== undefined) headers['content-length'] = String(form.getLengthSync());
    const body = new PassThrough();
    form.on('error', (err: Error) => body.destroy(err));
    source.on('error', (err: Error) => body.destroy(err));
    form.pipe(body);
    return { body, headers };
  };

  let current: ReturnType<typeof makeBody> | undefined;
  const answer = await http.send({
    method: 'POST',
    url: target.url,
    get headers() {
      return { ...target.headers, ...(current?.headers ?? {}) };
    },
    body: () => {
      current = makeBody();
      return current.body as unknown as RequestBody;
    },
    replayable: open !== undefined,
    timeoutMs: target.timeoutMs,
  });
  return toUpload(answer.body as Record<string, unknown>);
}
