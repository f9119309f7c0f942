import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { closeRefusedRequest } from '@devops/http-service';

/**
 * Express middleware: `Authorization: Bearer <key>` must be one of `keys`,
 * compared in constant time (both sides hashed to equal length first, every
 * key compared). Otherwise 401, with no hint about the key.
 */
export function checkApiKey(keys: readonly string[]): RequestHandler {
  const digests = keys.filter((k) => k.length > 0).map((k) => sha256(k));
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    const given = sha256(m?.[1] ?? '');
    let ok = false;
    for (const d of digests) ok = timingSafeEqual(d, given) || ok;
    if (m && ok) {
      next();
      return;
    }
    // Refused before its body is read: answered, and the connection closed.
    closeRefusedRequest(
      res,
      401,
      { error: 'missing or wrong API key: send Authorization: Bearer <one of BRIDGE_API_KEYS>' },
      { 'WWW-Authenticate': 'Bearer realm="freshdesk-bridge"' },
    );
  };
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
