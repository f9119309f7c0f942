import type { SuiteError } from '@devops/errors';
import { classifyStatus, retryAfterMs, toStatusError, type HeaderSource } from '@devops/failures';

/** What went wrong, told without credentials: method, path (no query), and a scrubber for server text. */
export interface FailureContext {
  method: string;
  /** URL path, e.g. /api/v4/projects/group%2Flib/issues */
  path: string;
  /** Masks the token (and anything else secret) in text taken from the server. */
  scrub: (text: string) => string;
}

/** GitLab's error body `{"message": "..." | {field: [...]}}` (or `error`, or plain text) as one line. */
function describeBody(text: string): string {
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

const HINTS: Record<number, string> = {
  401: 'the GITLAB_TOKEN was not accepted; check it is valid and has api scope',
  403: 'the GITLAB_TOKEN lacks permission for this; check its role and scope',
};

/**
 * One failed GitLab answer as an @devops/errors kind (the table is @devops/failures'): the message says method,
 * path, status and GitLab's own message (scrubbed), the wait comes from Retry-After or RateLimit-Reset.
 */
export function toGitLabError(
  ctx: FailureContext,
  answer: { status: number; text: string; headers: HeaderSource },
  now: number,
): SuiteError {
  const { status } = answer;
  const detail = ctx.scrub(describeBody(answer.text));
  const what = `GitLab ${ctx.method} ${ctx.path} answered ${status}${detail ? `: ${detail}` : ''}`;
  const hint = HINTS[status];
  const temporary = classifyStatus(status, detail) === 'temporary';
  const message = hint ? `${what}: ${hint}` : temporary ? `${what} (temporary; retry later)` : what;
  return toStatusError(status, message, { detail, retryAfterMs: retryAfterMs(answer.headers, now) });
}
