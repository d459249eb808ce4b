/** One page of a list with its total and links to the neighbouring pages (same path and filters). */
export function paginate<T>(
  rows: readonly T[],
  request: { url: string },
  paging: { limit?: number; offset: number },
  defaultLimit: number | null,
): {
  items: readonly T[];
  page: {
    total: number;
    limit: number;
    offset: number;
    links: { next: string | null; prev: string | null };
  } | null;
} {
  const limit = paging.limit ?? defaultLimit;
  if (limit === null) return { items: rows, page: null };
  const { offset } = paging;
  const [path = "", search = ""] = request.url.split("?");
  const link = (to: number) => {
    const params = new URLSearchParams(search);
    params.set("limit", String(limit));
    params.set("offset", String(to));
    return `${path}?${params}`;
  };
  return {
    items: rows.slice(offset, offset + limit),
    page: {
      total: rows.length,
      limit,
      offset,
      links: {
        next: offset + limit < rows.length ? link(offset + limit) : null,
        prev: offset > 0 ? link(Math.max(0, offset - limit)) : null,
      },
    },
  };
}
