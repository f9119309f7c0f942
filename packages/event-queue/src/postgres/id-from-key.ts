import { createHash } from 'node:crypto';

/** A job id (UUID-shaped, version 8) that only this app's Idempotency-Key gives. */
export function idFromKey(app: string, key: string): string {
  const h = createHash('sha256').update(`webhooks\0${app}\0${key}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
