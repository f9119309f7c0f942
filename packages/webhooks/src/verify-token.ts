import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Returns a constant-time checker for the X-Gitlab-Token header: both sides
 * are hashed to equal-length SHA-256 digests first, so neither the content
 * nor the length of the secret leaks through timing.
 */
export function createTokenVerifier(secret: string): (given: string | undefined) => boolean {
  if (!secret) throw new Error('the webhook secret is empty: set GITLAB_WEBHOOK_SECRET');
  const expected = createHash('sha256').update(secret, 'utf8').digest();
  return (given) => {
    const actual = createHash('sha256')
      .update(given ?? '', 'utf8')
      .digest();
    return timingSafeEqual(actual, expected) && given !== undefined;
  };
}
