/** What a failed call means for the caller: the @devops/errors kind it becomes. */
export type FailureKind = 'not-found' | 'conflict' | 'temporary' | 'permanent';

/**
 * The one table from an HTTP status to a failure kind (README.md, "The table"):
 * 404 not-found; 409 conflict, and 400 whose message says "already exists"
 * (GitLab answers a tag or label name clash that way); 429 and every 5xx
 * temporary; every other 4xx (and any other status that is not a success)
 * permanent.
 */
export function classifyStatus(status: number, message = ''): FailureKind {
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 400 && /already exists/i.test(message)) return 'conflict';
  if (status === 429 || (status >= 500 && status <= 599)) return 'temporary';
  return 'permanent';
}
