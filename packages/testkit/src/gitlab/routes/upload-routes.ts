import { createHash, randomBytes } from 'node:crypto';
import busboy from 'busboy';
import { apiError, missing, sendJson } from '../http';
import type { UploadRecord } from '../model';
import { projectOr404 } from './project-routes';
import { route, type Route } from './route';

interface ReceivedFile {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  content: Buffer | null;
}

/** GitLab's `file_too_large!` (lib/api/helpers.rb): `render_api_error!('413 Request Entity Too Large', 413)`. */
const TOO_LARGE = '413 Request Entity Too Large';

/** Streams the multipart body: the `file` field is hashed as it arrives, its bytes kept only up to `keep`. */
function receiveFile(req: import('node:http').IncomingMessage, keep: number): Promise<ReceivedFile | null> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      // The part's filename is taken as UTF-8, as GitLab (Workhorse, Rack) does; busboy's default is latin1.
      parser = busboy({ headers: req.headers, defParamCharset: 'utf8' });
    } catch {
      reject(apiError(400, '400 (Bad request) "file" not given'));
      return;
    }
    let received: Promise<ReceivedFile> | null = null;
    parser.on('file', (field, stream, info) => {
      if (field !== 'file' || received) {
        stream.resume();
        return;
      }
      received = new Promise((done, fail) => {
        const hash = createHash('sha256');
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          hash.update(chunk);
          if (size <= keep) chunks.push(chunk);
        });
        stream.on('error', fail);
        stream.on('close', () =>
          done({
            filename: info.filename,
            contentType: info.mimeType,
            size,
            sha256: hash.digest('hex'),
            content: size <= keep ? Buffer.concat(chunks) : null,
          }),
        );
      });
    });
    parser.on('error', (err) => reject(apiError(400, `400 (Bad request) ${(err as Error).message}`)));
    parser.on('close', () => {
      if (received) received.then(resolve, reject);
      else resolve(null);
    });
    req.pipe(parser);
  });
}

export const uploadRoutes: Route[] = [
  route(
    'POST',
    '/projects/:id/uploads',
    async (ctx, deps) => {
      const { store, ser } = deps;
      const project = projectOr404(store, ctx.params[0]);
      const limit = deps.maxAttachmentBytes;
      // over the limit nothing is kept: the rest of the body is read and dropped, then refused
      const keep = limit === undefined ? deps.keepUploadBytesUpTo : Math.min(deps.keepUploadBytesUpTo, limit);
      const file = await receiveFile(ctx.req, keep);
      if (!file || !file.filename) throw missing('file');
      if (limit !== undefined && file.size > limit) {
        ctx.logBody({ file: { filename: file.filename, size: file.size } });
        throw apiError(413, TOO_LARGE);
      }
      const upload: UploadRecord = {
        id: store.nextUploadId(),
        secret: randomBytes(16).toString('hex'),
        filename: sanitizeFilename(file.filename),
        size: file.size,
        sha256: file.sha256,
        contentType: file.contentType,
        content: file.content,
        createdAt: store.timestamp(),
      };
      project.uploads.push(upload);
      ctx.logBody({ file: { filename: upload.filename, size: upload.size } });
      sendJson(ctx.res, 201, ser.upload(project, upload));
    },
    { streamsBody: true },
  ),
];

/**
 * CarrierWave's SanitizedFile (GitLab's uploads): the base name, every character but a word character
 * (Unicode letters, marks, digits, `_`: Ruby's [:word:]), `.`, `-` and `+` replaced by `_`.
 */
function sanitizeFilename(name: string): string {
  const base = name.replace(/\\/g, '/').split('/').pop() ?? '';
  const clean = base.replace(/[^\p{L}\p{M}\p{Nd}\p{Pc}.+-]/gu, '_');
  if (clean === '') return 'unnamed';
  return /^\.+$/.test(clean) ? `_${clean}` : clean;
}
