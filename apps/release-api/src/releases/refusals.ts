import type { FieldProblem } from './receive/validate-fields';

/** A finished answer to an upload: status, JSON body, and the metrics label. */
export interface Outcome {
  status: number;
  body: Record<string, unknown>;
  result: string;
  /** Extra response headers (Retry-After). */
  headers?: Record<string, string>;
}

/** Thrown by an upload stage that refuses the upload: the orchestrator answers with its outcome. */
export class UploadRefused extends Error {
  constructor(readonly outcome: Outcome) {
    super(String(outcome.body.error));
  }
}

/** Thrown (as an abort reason) when the upload stops without an answer: the client went away or the body stalled. */
export class UploadAborted extends Error {}

export const badRequest = (error: string, details: FieldProblem[] = []): Outcome => ({
  status: 400,
  body: { error, details },
  result: 'bad_request',
});

export const unauthorized = (): Outcome => ({
  status: 401,
  body: {
    error:
      'no valid shared secret: send Authorization: Bearer <RELEASE_SHARED_SECRET>, or a secret field before the file part',
  },
  result: 'unauthorized',
});

export const busy = (retryAfterSeconds: number): Outcome => ({
  status: 503,
  body: {
    error: 'too many uploads are waiting for their secret to be verified: try again shortly',
  },
  result: 'busy',
  headers: { 'Retry-After': String(retryAfterSeconds) },
});

export const lockUnavailable = (reason: string, retryAfterSeconds: number): Outcome => ({
  status: 503,
  body: { error: `cannot take the version lock now (${reason}): try again shortly` },
  result: 'unavailable',
  headers: { 'Retry-After': String(retryAfterSeconds) },
});

export const unknownProduct = (product: string): Outcome => ({
  status: 404,
  body: { error: `unknown product "${product}": it is not in the products file` },
  result: 'unknown_product',
});

export const conflict = (error: string): Outcome => ({ status: 409, body: { error }, result: 'conflict' });

export const tooLarge = (max: number): Outcome => ({
  status: 413,
  body: { error: `the artifact is larger than RELEASE_MAX_BYTES (${max} bytes)`, limit: max },
  result: 'too_large',
});

export const checksumMismatch = (
  which: 'md5' | 'sha256',
  expected: string,
  actual: string,
  bytes: number,
): Outcome => ({
  status: 422,
  body: {
    error: `${which} mismatch: the received file does not have the ${which} that was sent`,
    expected,
    actual,
    bytes,
  },
  result: 'checksum_mismatch',
});
