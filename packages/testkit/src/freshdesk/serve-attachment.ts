import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { generatedBytes } from './attachment-bytes';
import type { ActiveFreshdeskFault } from './faults';
import type { FreshdeskLoggedRequest } from './start-freshdesk-double';
import type { FreshdeskStore } from './store';

export interface ServeAttachmentDeps {
  store: FreshdeskStore;
  log: (entry: FreshdeskLoggedRequest) => void;
  /** Records a request for a route the storage host does not serve. */
  unknownRoute: (method: string, path: string) => void;
  fault: (method: string, path: string) => ActiveFreshdeskFault | undefined;
  applyFault: (
    fault: ActiveFreshdeskFault,
    res: ServerResponse,
    entry: FreshdeskLoggedRequest,
    headers: Record<string, string>,
  ) => Promise<boolean>;
  /** Links expire this long after `X-Amz-Date` (undefined: never). */
  linkTtlMs: number | undefined;
  now: () => number;
}

/** `20240101T000000Z` -> ms (NaN when unreadable, which never passes the expiry check). */
function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
}

/** S3's XML error body. */
function s3Error(res: ServerResponse, status: number, code: string, message: string) {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': String(Buffer.byteLength(xml)),
  });
  res.end(xml);
}

/**
 * The storage host behind `attachment_url`: like S3 with a pre-signed URL,
 * it wants the signature in the query and refuses a second credential (an
 * Authorization header: the API key must never travel here). Bytes are
 * streamed with backpressure; generated ones are never held in memory.
 */
export async function serveAttachment(req: IncomingMessage, res: ServerResponse, deps: ServeAttachmentDeps) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = (req.method ?? 'GET').toUpperCase();
  const entry: FreshdeskLoggedRequest = {
    host: 'attachments',
    method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    status: 0,
    authorization: req.headers.authorization !== undefined,
    bytesSent: 0,
  };
  deps.log(entry);
  // S3 serves any key (a wrong one is a 403 below, like a missing object); only GET and HEAD are served here
  if (method !== 'GET' && method !== 'HEAD') {
    entry.unknownRoute = true;
    deps.unknownRoute(method, url.pathname);
  }

  const fault = deps.fault(method, url.pathname);
  if (fault && fault.network !== 'truncate' && (await deps.applyFault(fault, res, entry, {}))) return;

  const m = /^\/data\/helpdesk\/attachments\/production\/(\d+)\/original\/[^/]+$/.exec(url.pathname);
  const attachment = m ? deps.store.attachments.get(Number(m[1])) : undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    entry.status = 405;
    return s3Error(
      res,
      405,
      'MethodNotAllowed',
      'The specified method is not allowed against this resource.',
    );
  }
  if (req.headers.authorization !== undefined) {
    entry.status = 400;
    return s3Error(
      res,
      400,
      'InvalidArgument',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
    );
  }
  const issuedAt = url.searchParams.get('X-Amz-Date') ?? '';
  const given = Buffer.from(url.searchParams.get('X-Amz-Signature') ?? '');
  const wanted = Buffer.from(attachment ? deps.store.sign(attachment.id, issuedAt) : '');
  if (!attachment || given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    entry.status = 403;
    return s3Error(res, 403, 'AccessDenied', 'Access Denied');
  }
  if (deps.linkTtlMs !== undefined && deps.now() - parseAmzDate(issuedAt) > deps.linkTtlMs) {
    entry.status = 403;
    return s3Error(res, 403, 'AccessDenied', 'Request has expired');
  }

  entry.status = 200;
  res.writeHead(200, {
    // a content type that cannot be a header value (a CRLF in it) is served as bytes
    'content-type': /^[\t\x20-\x7e]+$/.test(attachment.contentType)
      ? attachment.contentType
      : 'application/octet-stream',
    'content-length': String(attachment.size),
    'content-disposition': `attachment; filename="${encodeURIComponent(attachment.name)}"`,
    etag: `"${attachment.id}"`,
  });
  if (method === 'HEAD') return res.end();

  const source = attachment.content
    ? Readable.from([attachment.content])
    : generatedBytes(attachment.seed, attachment.size);
  const cutAt = fault?.network === 'truncate' ? Math.floor(attachment.size / 2) : Infinity;
  if (fault?.network === 'truncate') entry.fault = true;
  for await (const chunk of source) {
    let buf = chunk as Buffer;
    if ((entry.bytesSent ?? 0) + buf.length > cutAt) buf = buf.subarray(0, cutAt - (entry.bytesSent ?? 0));
    if (buf.length > 0) {
      entry.bytesSent = (entry.bytesSent ?? 0) + buf.length;
      const ok = res.write(buf);
      if (!ok) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
      }
    }
    if (res.destroyed) return;
    if ((entry.bytesSent ?? 0) >= cutAt) {
      res.socket?.destroy();
      return;
    }
  }
  res.end();
}
