import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.ts';

/**
 * ETags for the API's JSON reads: a page that has not changed answers 304
 * with no body. The tag is a hash of exactly what would be sent, so it can
 * never claim a stale page is current; responses stay `no-store` (criminal
 * justice information is not kept in a browser's disk cache), so the widgets
 * keep the last page in memory and ask with If-None-Match themselves.
 *
 * Done by wrapping `c.json` for the request, so the body is serialized once
 * (hashing a finished Response would copy its body stream).
 */
export const etags: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method === 'GET') {
    const json = c.json.bind(c);
    c.json = ((object: unknown, status?: unknown, headers?: unknown) => {
      if ((status !== undefined && status !== 200) || headers !== undefined) return (json as (...a: unknown[]) => Response)(object, status, headers);
      const body = JSON.stringify(object);
      const tag = `"${createHash('sha1').update(body).digest('base64url')}"`;
      c.header('ETag', tag);
      c.header('Cache-Control', 'no-store');
      if (matches(c.req.header('if-none-match'), tag)) return c.body(null, 304);
      return c.body(body, 200, { 'Content-Type': 'application/json' });
    }) as typeof c.json;
  }
  await next();
};

/** If-None-Match holds `tag` (weak or strong, in a list, or `*`). */
function matches(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v === tag || v === `W/${tag}`;
  });
}
