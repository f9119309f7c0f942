import { TemporaryError } from '@devops/errors';
import {
  classifyStatus,
  mayResend,
  retryAfterMs,
  runWithRetry,
  type RetryHooks,
  type RetryOptions,
} from '@devops/failures';
import { UploadCutShort, type SendResult } from './send-release';

/** The answer that came with a temporary refusal (kept so the last one can be printed). */
class RefusedForNow extends TemporaryError {
  constructor(
    readonly answer: SendResult,
    retryAfter: number | undefined,
  ) {
    super(`release-api answered ${answer.status}`, {
      status: answer.status,
      ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    });
  }
}

/**
 * Sends the release (`send(attempt)`, a fresh stream of the file each time) again when nothing can
 * have been done with it: the suite's POST-resend rule (@devops/failures `mayResend`: an answer of
 * 429, 502 or 503 — a proxy's 502 when a replica died under it, 503 while release-api drains or
 * its database is away — or no connection at all), or a connection lost before the body's end
 * (UploadCutShort), after the server's Retry-After or else backoff with jitter. Not resent: 500
 * (the release script failed; sending again reruns it, a person's decision), 504 and a connection
 * lost after the whole body went out (it may have been published; the job can be run again: the
 * same content is answered 200). The last answer is returned (printed by the caller) when the
 * retries are spent; with no answer at all, the last error is thrown.
 */
export async function sendWithRetry(
  send: (attempt: number) => Promise<SendResult>,
  opts: RetryOptions & Pick<RetryHooks, 'log'> = {},
): Promise<SendResult> {
  const now = opts.now ?? Date.now;
  try {
    return await runWithRetry(
      async (attempt) => {
        const answer = await send(attempt);
        if (classifyStatus(answer.status) === 'temporary') {
          throw new RefusedForNow(answer, retryAfterMs(answer.headers, now()));
        }
        return answer;
      },
      { ...opts, mayRetry: (err) => err instanceof UploadCutShort || mayResend('POST', err) },
    );
  } catch (err) {
    if (err instanceof RefusedForNow) return err.answer;
    throw err;
  }
}
