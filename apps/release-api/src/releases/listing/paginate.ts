export interface Page<T> {
  items: T[];
  /** GitLab-style pagination headers: X-Total, X-Total-Pages, X-Page, X-Per-Page, X-Next-Page, X-Prev-Page, Link. */
  headers: Record<string, string>;
}

/**
 * One page of `all`, with the headers GitLab's REST API uses, so the same
 * clients (and habits) work: `Link` carries first/prev/next/last URLs built
 * from `self` (the request's URL) with `page` replaced.
 */
export function paginate<T>(all: T[], page: number, perPage: number, self: URL): Page<T> {
  const totalPages = Math.max(1, Math.ceil(all.length / perPage));
  const at = (n: number) => {
    const url = new URL(self);
    url.searchParams.set('page', String(n));
    url.searchParams.set('per_page', String(perPage));
    return url.toString();
  };
  const next = page < totalPages ? page + 1 : undefined;
  const prev = page > 1 ? Math.min(page - 1, totalPages) : undefined;
  const links = [
    ...(prev ? [`<${at(prev)}>; rel="prev"`] : []),
    ...(next ? [`<${at(next)}>; rel="next"`] : []),
    `<${at(1)}>; rel="first"`,
    `<${at(totalPages)}>; rel="last"`,
  ];
  return {
    items: all.slice((page - 1) * perPage, page * perPage),
    headers: {
      'X-Total': String(all.length),
      'X-Total-Pages': String(totalPages),
      'X-Page': String(page),
      'X-Per-Page': String(perPage),
      'X-Next-Page': next ? String(next) : '',
      'X-Prev-Page': prev ? String(prev) : '',
      Link: links.join(', '),
    },
  };
}
