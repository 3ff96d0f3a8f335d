import type { Context, MiddlewareHandler } from 'hono';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

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

/** API answers at least this large (bytes of JSON) are compressed for a client that accepts it. */
export const JSON_COMPRESS_THRESHOLD = 1024;

type BodyArgs = Parameters<Context['body']>;
type HeaderRecord = Record<string, string | string[]>;

/**
 * Compresses the API's JSON answers of at least `threshold` bytes with brotli
 * or gzip, as the request's Accept-Encoding allows, and marks every JSON
 * answer `Vary: Accept-Encoding`.
 *
 * Done where the JSON text is made (`c.json`, and `c.body` with a JSON string,
 * which is how the ETag middleware sends a page), so the text is compressed
 * once, synchronously, and small answers cost nothing: a middleware that reads
 * a finished Response's body would copy every answer's stream. Only successful
 * answers (2xx) are compressed (the audit log reads a refusal's error code
 * from its body). A strong ETag becomes weak on a compressed answer (the
 * bytes differ from the identity ones; If-None-Match still matches, as the
 * ETag middleware compares weakly). Streams (the live events) are untouched:
 * their body is not a string.
 */
export function compressJson({ threshold = JSON_COMPRESS_THRESHOLD }: { threshold?: number } = {}): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'HEAD' || c.req.path === '/api/v1/events') return next();
    const coding = acceptedCodings(c.req.header('accept-encoding'))[0];
    const body = c.body.bind(c) as (...args: unknown[]) => Response;

    const send = (text: string, arg: unknown, headers: HeaderRecord | undefined): Response => {
      const status = typeof arg === 'number' ? arg : ((arg as { status?: number } | undefined)?.status ?? 200);
      const size = Buffer.byteLength(text);
      // (Nothing before this sets a Vary: CORS adds `Origin` to the finished answer.)
      if (!coding || size < threshold || status < 200 || status >= 300) return body(text, arg, { ...headers, Vary: 'Accept-Encoding' });
      const data =
        coding === 'br'
          ? brotliCompressSync(text, { params: { [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: size } })
          : gzipSync(text, { level: 6 });
      const res = body(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), arg, {
        ...headers,
        Vary: 'Accept-Encoding',
        'Content-Encoding': coding,
        'Content-Length': String(data.byteLength),
      });
      const tag = res.headers.get('ETag');
      if (tag && !tag.startsWith('W/')) res.headers.set('ETag', `W/${tag}`);
      return res;
    };

    c.json = ((object: unknown, arg?: unknown, headers?: HeaderRecord) => {
      const text = JSON.stringify(object);
      // As Hono's c.json: application/json unless the caller named another type.
      const named = headers && Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
      return send(text, arg, named ? headers : { ...headers, 'Content-Type': 'application/json' });
    }) as typeof c.json;
    c.body = ((data: BodyArgs[0], arg?: unknown, headers?: HeaderRecord) => {
      const type = headers && Object.entries(headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
      if (typeof data === 'string' && typeof type === 'string' && /^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) return send(data, arg, headers);
      return body(data, arg, headers);
    }) as typeof c.body;
    await next();
  };
}
