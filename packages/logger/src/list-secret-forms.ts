/**
 * The ways a secret can show up in text besides itself, so that the masker
 * catches every one of them:
 * - `literal`: the value, JSON-escaped, percent-encoded (encodeURIComponent) and
 *   form-encoded (application/x-www-form-urlencoded: spaces as `+`, with or
 *   without `!'()~` encoded), with upper- or lower-case hex escapes;
 * - `base64`: the part of a base64 text that the secret alone determines, at
 *   each of the three byte offsets it can start at. HTTP Basic auth carries a
 *   secret as `base64(user:secret)`, or as `base64(secret:X)` the way Freshdesk
 *   takes an API key; whatever precedes or follows the secret, one of these
 *   three runs of characters is inside the encoded text.
 */
export function listSecretForms(secret: string): { literal: string[]; base64: string[] } {
  const json = JSON.stringify(secret).slice(1, -1);
  const percent = encodeURIComponent(secret);
  const form = new URLSearchParams([['', secret]]).toString().slice(1);
  const lowerHex = (t: string) => t.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
  // Encoders differ in what else they escape; spaces as `+` is what they share.
  const plus = (t: string) => t.replace(/ |%20/g, '+');
  const literal = [
    ...new Set([secret, json, percent, form, plus(secret), plus(percent), lowerHex(percent), lowerHex(form)]),
  ];

  const bytes = Buffer.from(secret, 'utf8');
  const base64: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    // Character i encodes bits [6i, 6i + 6): keep those that fall wholly inside the secret's bytes.
    const first = Math.ceil((8 * offset) / 6);
    const end = Math.floor((8 * (offset + bytes.length)) / 6);
    const core = encoded.slice(first, end);
    if (core.length >= MIN_BASE64_CORE) base64.push(core);
  }
  return { literal, base64: [...new Set(base64)] };
}

/** Shorter runs would match ordinary base64 by chance; a secret that short (under ~8 bytes) is not checked this way. */
const MIN_BASE64_CORE = 10;
