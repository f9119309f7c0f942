import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** GitLab's documented example bodies (copied from /work/shared/reference/gitlab-examples). */
export function example(name: string): unknown {
  return JSON.parse(readFileSync(join(__dirname, 'fixtures', 'gitlab-examples', `${name}.json`), 'utf8'));
}

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * Differences between the documented example's shape and the actual body: every key of the example present
 * with the same JSON type (null on either side matches any type: nullable fields), recursively; keys the
 * example lacks are reported as "extra".
 */
export function shapeDiff(expected: unknown, actual: unknown, at = '$'): string[] {
  const ek = kind(expected);
  const ak = kind(actual);
  if (ek === 'null' || ak === 'null') return [];
  if (ek !== ak) return [`${at}: expected ${ek}, got ${ak}`];
  if (ek === 'array') {
    const e = expected as unknown[];
    const a = actual as unknown[];
    if (e.length === 0 || a.length === 0) return [];
    return a.flatMap((item, i) => shapeDiff(e[Math.min(i, e.length - 1)], item, `${at}[${i}]`));
  }
  if (ek !== 'object') return [];
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  const out: string[] = [];
  for (const key of Object.keys(e)) {
    if (!(key in a)) out.push(`${at}.${key}: missing`);
    else out.push(...shapeDiff(e[key], a[key], `${at}.${key}`));
  }
  for (const key of Object.keys(a)) if (!(key in e)) out.push(`${at}.${key}: extra`);
  return out;
}
