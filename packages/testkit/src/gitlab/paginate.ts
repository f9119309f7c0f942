import type { RouteContext } from './http';
import { apiError } from './http';

/**
 * GitLab's offset pagination: `page` (default 1), `per_page` (default 20, max 100), and the headers
 * x-total, x-total-pages, x-page, x-per-page, x-next-page, x-prev-page and a `link` header with
 * rel="prev"/"next"/"first"/"last" carrying every other query parameter unchanged.
 */
export function paginate<T>(ctx: RouteContext, items: T[]): { page: T[]; headers: Record<string, string> } {
  const page = positiveInt(ctx.url.searchParams.get('page'), 1, 'page');
  const perPage = Math.min(positiveInt(ctx.url.searchParams.get('per_page'), 20, 'per_page'), 100);
  const total = items.length;
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  const start = (page - 1) * perPage;
  const slice = items.slice(start, start + perPage);

  const linkFor = (n: number) => {
    const u = new URL(ctx.url.pathname + ctx.url.search, ctx.baseUrl);
    u.searchParams.set('page', String(n));
    u.searchParams.set('per_page', String(perPage));
    return u.toString();
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${linkFor(Math.min(page - 1, totalPages))}>; rel="prev"`);
  if (page < totalPages) links.push(`<${linkFor(page + 1)}>; rel="next"`);
  links.push(`<${linkFor(1)}>; rel="first"`, `<${linkFor(totalPages)}>; rel="last"`);

  return {
    page: slice,
    headers: {
      'x-total': String(total),
      'x-total-pages': String(totalPages),
      'x-page': String(page),
      'x-per-page': String(perPage),
      'x-next-page': page < totalPages ? String(page + 1) : '',
      'x-prev-page': page > 1 ? String(page - 1) : '',
      link: links.join(', '),
    },
  };
}

function positiveInt(raw: string | null, fallback: number, name: string): number {
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw apiError(400, `${name} is invalid`);
  return n < 1 ? fallback : n;
}
