/** The URL without its password (for messages and logs): postgres://user@host:5432/db */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return '(not a URL)';
  }
}

/** `text` with the URL's password (raw and percent-decoded) replaced, for errors from the driver. */
export function scrubPassword(text: string, url: string): string {
  let password = '';
  try {
    password = new URL(url).password;
  } catch {
    return text.split(url).join('(DATABASE_URL)');
  }
  let out = text.split(url).join(describeDatabaseUrl(url));
  for (const variant of new Set([password, safeDecode(password)])) {
    if (variant) out = out.split(variant).join('[REDACTED]');
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
