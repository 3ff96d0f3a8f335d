
export type ContentCoding = 'br' | 'gzip';

/**
 * The content codings a client accepts, best first, from its Accept-Encoding:
 * each of `br` and `gzip` with a q-value above 0 (named, or through `*`), the
 * higher q first, brotli first on a tie (it is smaller). Identity is always
 * possible, so an empty list means "send it as it is".
 */
export function acceptedCodings(header: string | undefined): ContentCoding[] {
  if (!header) return [];
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const wildcard = q.get('*') ?? 0;
  const codings: ContentCoding[] = ['br', 'gzip'];
  return codings
    .map((coding) => ({ coding, q: q.get(coding) ?? (coding === 'gzip' ? (q.get('x-gzip') ?? wildcard) : wildcard) }))
    .filter((c) => c.q > 0)
    .sort((a, b) => b.q - a.q)
    .map((c) => c.coding);
}

/** Adds `Accept-Encoding` to a Vary header value (once). */
export function varyOnEncoding(current: string | null | undefined): string {
  if (!current) return 'Accept-Encoding';
  if (current === '*' || /(?:^|,)\s*accept-encoding\s*(?:,|$)/i.test(current)) return current;
  return `${current}, Accept-Encoding`;
}

/** API answers at least this large (bytes of JSON) are compressed for a client that accepts it (http/edge.ts). */
export const JSON_COMPRESS_THRESHOLD = 1024;
