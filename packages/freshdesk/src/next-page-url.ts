/**
 * The `rel="next"` target of a `link` header
 * (`<https://x.freshdesk.com/api/v2/...&page=2>; rel="next"`), resolved
 * against `base`; undefined when there is none (the last page).
 */
export function nextPageUrl(link: unknown, base: string): string | undefined {
  const header = Array.isArray(link) ? link.join(', ') : link;
  if (typeof header !== 'string') return undefined;
  for (const match of header.matchAll(/<([^>]*)>([^<]*)/g)) {
    const target = match[1] ?? '';
    const params = match[2] ?? '';
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (rels.includes('next')) return new URL(target, base).toString();
  }
  return undefined;
}
