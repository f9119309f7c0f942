import { ConflictError, NotFoundError, PermanentError, TemporaryError } from '@devops/errors';

/** What went wrong, told without credentials: method, path (no query), status, GitLab's message. */
export interface FailureContext {
  method: string;
  /** URL path, e.g. /api/v4/projects/group%2Flib/issues */
  path: string;
  /** Masks the token (and anything else secret) in text taken from the server. */
  scrub: (text: string) => string;
}

/** Seconds or an HTTP date -> milliseconds from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** GitLab's error body `{"message": "..." | {field: [...]}}` (or `error`, or plain text) as one line. */
export function describeBody(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
    const m = parsed?.message ?? parsed?.error;
    if (typeof m === 'string') return m;
    if (m !== undefined) return JSON.stringify(m);
  } catch {
    /* not JSON */
  }
  return text.trim().slice(0, 500);
}

/**
 * Sorts one failed HTTP answer into the suite's error kinds, once:
 * 404 -> NotFoundError; 409 and 400 "... already exists" -> ConflictError; 429 and 5xx -> TemporaryError
 * (with Retry-After); 401/403 and every other 4xx -> PermanentError.
 */
export function sortHttpFailure(
  ctx: FailureContext,
  status: number,
  bodyText: string,
  retryAfter: string | null,
): Error {
  const detail = ctx.scrub(describeBody(bodyText));
  const what = `GitLab ${ctx.method} ${ctx.path} answered ${status}${detail ? `: ${detail}` : ''}`;
  if (status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(retryAfter);
    return new TemporaryError(`${what} (temporary; retry later)`, {
      status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  if (status === 404) return new NotFoundError(what, { status });
  if (status === 409 || (status === 400 && /already exists/i.test(detail)))
    return new ConflictError(what, { status });
  if (status === 401)
    return new PermanentError(
      `${what}: the GITLAB_TOKEN was not accepted; check it is valid and has api scope`,
      {
        status,
      },
    );
  if (status === 403)
    return new PermanentError(
      `${what}: the GITLAB_TOKEN lacks permission for this; check its role and scope`,
      {
        status,
      },
    );
  return new PermanentError(what, { status });
}

/** A network failure or a timeout (no answer at all) -> TemporaryError, without request details. */
export function sortNetworkFailure(ctx: FailureContext, err: unknown, timeoutMs: number): TemporaryError {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError')
    return new TemporaryError(
      `GitLab ${ctx.method} ${ctx.path} did not answer within ${timeoutMs} ms (timeout)`,
    );
  const code = e?.cause?.code ?? (err as { code?: string })?.code;
  const reason = ctx.scrub(code ?? e?.cause?.message ?? e?.message ?? String(err));
  return new TemporaryError(`GitLab ${ctx.method} ${ctx.path} failed: network error ${reason}`, {
    cause: { name: e?.name, code, message: reason },
  });
}
