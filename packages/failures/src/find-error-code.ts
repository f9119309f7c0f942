/**
 * The first string `code` on an error or along its `cause` chain: axios puts it on the error itself, fetch on
 * `cause` (`TypeError: fetch failed` → `cause.code = 'ECONNRESET'`), undici sometimes one level deeper. An
 * AggregateError without a code of its own (connecting to a name with several addresses) gives its first
 * attempt's.
 */
export function findErrorCode(err: unknown, depth = 0): string | undefined {
  if (depth > 5 || err === null || typeof err !== 'object') return undefined;
  const { code, cause, errors } = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && code !== '') return code;
  if (Array.isArray(errors) && errors.length > 0) {
    const first = findErrorCode(errors[0], depth + 1);
    if (first !== undefined) return first;
  }
  return findErrorCode(cause, depth + 1);
}
