import type { IncomingHttpHeaders } from 'node:http';
import { bearerToken, secretMatches } from './check-secret';
import { badRequest, tooLarge, unauthorized, UploadRefused } from '../refusals';

/** Room for the multipart framing and up to 100 fields of 4 KiB on top of the artifact. */
export const FIELDS_ALLOWANCE = 1024 * 1024;

/**
 * Stage 1 of an upload, before any body byte is read: a multipart body, a
 * Content-Length that can fit, and the Authorization header. A Bearer token
 * is the one secret try of the request: wrong, it is 401 at once. Returns
 * whether the secret is already verified; throws UploadRefused otherwise.
 */
export function checkRequestHead(
  headers: IncomingHttpHeaders,
  opts: { secret: string; maxBytes: number },
): { verified: boolean } {
  if (!/^multipart\/form-data\b/i.test(headers['content-type'] ?? '')) {
    throw new UploadRefused(badRequest('the body must be multipart/form-data'));
  }
  const length = Number(headers['content-length']);
  if (Number.isFinite(length) && length > opts.maxBytes + FIELDS_ALLOWANCE) {
    throw new UploadRefused(tooLarge(opts.maxBytes));
  }
  const bearer = bearerToken(headers.authorization);
  if (bearer === undefined) return { verified: false };
  if (!secretMatches(bearer, opts.secret)) throw new UploadRefused(unauthorized());
  return { verified: true };
}
