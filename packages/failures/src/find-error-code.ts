/**
 * The first string `code` on an error or along its `cause` chain: axios puts
 * it on the error itself, fetch on `cause` (`TypeError: fetch failed` →
 * `cause.code = 'ECONNRESET'`), undici sometimes one level deeper.
 */
export function findErrorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
