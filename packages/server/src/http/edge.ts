import { createHash, randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { Hono } from 'hono';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import { acceptedCodings, JSON_COMPRESS_THRESHOLD } from './compress.ts';
import type { AppEnv, RequestLog, Services } from './env.ts';
import { routePattern } from './observe.ts';

/*
 * The edge every request passes first and last, in one middleware: its id
 * and logger, the headers every answer carries (security, CORS, the id), the
 * API's JSON answers (ETag and 304, compression), the access line and the
 * request metrics.
 *
 * It exists for the cost of a small request. Hono's `secureHeaders`, `cors`
 * and a wrapper per concern each set their headers on the finished answer,
 * and each such set turns @hono/node-server's light answer (status, body and
 * a plain header record, written with one `writeHead`) into a full Fetch
 * `Response` with a `Headers` list: that, with a middleware layer and a
 * logger child per concern, was more than the route itself on a health check.
 * Here the API's JSON answers are built once, with every header in one plain
 * record; anything else (files, the sign-in's forwarded answers, a stream)
 * gets the same headers set on it afterwards, as before.
 */

/** An incoming X-Request-Id is kept only when it is a short token of safe characters (it goes into logs and headers). */
const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The logger a request uses: the app's, with the request id on every line (the child is made only when a line is written). */
class LazyRequestLog implements RequestLog {
  #child: Logger | null = null;
  constructor(
    readonly parent: Logger,
    readonly requestId: string,
  ) {}
  get logger(): Logger {
    return (this.#child ??= this.parent.child({ requestId: this.requestId }));
  }
  error(obj: object, msg?: string) {
    this.logger.error(obj, msg);
  }
  warn(obj: object, msg?: string) {
    this.logger.warn(obj, msg);
  }
  info(obj: object, msg?: string) {
    this.logger.info(obj, msg);
  }
}

/**
 * The headers a middleware sets on every answer, read once from the
 * middleware itself (so they are exactly Hono's `secureHeaders` output for
 * these options, never a copy kept by hand), as lower-case name and value.
 */
export async function headersOf(middleware: MiddlewareHandler): Promise<[string, string][]> {
  const probe = new Hono().use(middleware).get('/', (c) => c.body(null, 204));
  const res = await probe.request('/');
  return [...res.headers];
}

export interface EdgeOptions {
  services: Services;
  log: Logger;
  metrics: Metrics | null;
  logRequests: boolean;
  /** Set on every answer unless the answer set that header itself (the federation popup's own CSP and COOP). */
  security: [string, string][];
  /** Instead of `security` on the API's JSON answers (built here). */
  apiSecurity: [string, string][];
  /** Origins whose API requests get `Access-Control-Allow-Origin`. */
  allowedOrigins: string[];
  /** Headers a cross-origin page may read from an API answer. */
  exposed: string[];
}

type HeaderRecord = Record<string, string | string[]>;

/** If-None-Match holds `tag` (weak or strong, in a list, or `*`). */
export function etagMatches(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const v = t.trim();
    return v === '*' || v === tag || v === `W/${tag}`;
  });
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b/i;

export function edge(options: EdgeOptions): MiddlewareHandler<AppEnv> {
  const { services, log, metrics, logRequests, security, exposed } = options;
  const allowed = new Set(options.allowedOrigins);
  const apiRecord: HeaderRecord = Object.fromEntries(options.apiSecurity);
  const exposedValue = exposed.join(',');
  return async (c, next) => {
    const start = performance.now();
    const sent = c.req.header('x-request-id');
    const requestId = sent && SAFE_ID.test(sent) ? sent : randomUUID();
    c.set('requestId', requestId);
    c.set('log', new LazyRequestLog(log, requestId));
    c.set('services', services);
    const method = c.req.method;
    const path = c.req.path;
    const api = path.startsWith('/api/');
    // CORS on an actual API request (a preflight is answered by Hono's cors in app.ts).
    const cors = api && method !== 'OPTIONS';
    const origin = cors ? c.req.header('origin') : undefined;
    let fast: Response | null = null;
    if (api) {
      // The API's JSON answers, built here with every header at once.
      const events = path === '/api/v1/events';
      const tagged = method === 'GET' && path.startsWith('/api/v1/');
      const compress = method !== 'HEAD' && !events;
      const coding = compress ? acceptedCodings(c.req.header('accept-encoding'))[0] : undefined;
      // What the route set with c.header() / c.status() before its answer (Hono keeps them private).
      let status: number | undefined;
      let prepared: HeaderRecord | null = null;
      const header = c.header; // (Hono's methods are arrow functions bound to their context)
      c.header = ((name: string, value?: string, opts?: { append?: boolean }) => {
        if (!c.finalized) {
          prepared ??= {};
          const key = name.toLowerCase();
          if (value === undefined) delete prepared[key];
          else if (opts?.append && prepared[key] !== undefined) prepared[key] = key === 'set-cookie' ? [prepared[key]].flat().concat(value) : `${prepared[key]}, ${value}`;
          else prepared[key] = value;
        }
        header(name, value, opts);
      }) as typeof c.header;
      const setStatus = c.status;
      c.status = ((s: Parameters<typeof c.status>[0]) => {
        status = s;
        setStatus(s);
      }) as typeof c.status;
      const body = c.body as (...args: unknown[]) => Response;

      const send = (text: string, arg: unknown, extra: HeaderRecord | undefined): Response => {
        const code = typeof arg === 'number' ? arg : arg === undefined ? (status ?? 200) : null;
        // A ResponseInit (rare): Hono builds that one.
        if (code === null) return body(text, arg, extra);
        const h: HeaderRecord = { ...apiRecord, 'x-request-id': requestId };
        if (prepared) Object.assign(h, prepared);
        if (extra) for (const k in extra) h[k.toLowerCase()] = extra[k]!;
        h['content-type'] ??= 'application/json';
        if (cors) {
          if (origin && allowed.has(origin)) h['access-control-allow-origin'] = origin;
          h['access-control-expose-headers'] = exposedValue;
        }
        // ETags for the API's JSON reads: a page that has not changed answers 304 with no body. The tag is
        // a hash of exactly what would be sent, so it can never claim a stale page is current; answers stay
        // `no-store` (criminal justice information is not kept in a browser's disk cache), so the widgets keep
        // the last page in memory and ask with If-None-Match themselves.
        let tag: string | null = null;
        if (tagged && code === 200 && extra === undefined) {
          tag = `"${createHash('sha1').update(text).digest('base64url')}"`;
          h.etag = tag;
          h['cache-control'] = 'no-store';
          if (etagMatches(c.req.header('if-none-match'), tag)) {
            delete h['content-type'];
            if (cors) h.vary = 'Origin';
            return (fast = new Response(null, { status: 304, headers: h }));
          }
        }
        h.vary = cors ? 'Accept-Encoding, Origin' : 'Accept-Encoding';
        const size = Buffer.byteLength(text);
        // JSON answers of 1 KB or more, when successful (the audit log reads a refusal's code from its body),
        // go out compressed with brotli or gzip as Accept-Encoding allows; their ETag becomes weak.
        if (!coding || size < JSON_COMPRESS_THRESHOLD || code < 200 || code >= 300) return (fast = new Response(text, { status: code, headers: h }));
        const data =
          coding === 'br'
            ? brotliCompressSync(text, { params: { [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: size } })
            : gzipSync(text, { level: 6 });
        h['content-encoding'] = coding;
        h['content-length'] = String(data.byteLength);
        if (tag) h.etag = `W/${tag}`;
        return (fast = new Response(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), { status: code, headers: h }));
      };
      if (compress || tagged) {
        c.json = ((object: unknown, arg?: unknown, extra?: HeaderRecord) => send(JSON.stringify(object), arg, extra)) as typeof c.json;
        c.body = ((data: unknown, arg?: unknown, extra?: HeaderRecord) => {
          const type = extra && Object.entries(extra).find(([k]) => k.toLowerCase() === 'content-type')?.[1];
          if (typeof data === 'string' && typeof type === 'string' && JSON_TYPE.test(type)) return send(data, arg, extra);
          return body(data, arg, extra);
        }) as typeof c.body;
      }
    }
    await next();
    if (c.res !== fast) finish(c, requestId, cors, origin);
    if (!metrics && !logRequests) return;
    const seconds = (performance.now() - start) / 1000;
    const code = c.res.status;
    const route = routePattern(c, code);
    metrics?.request(method, route, code, seconds);
    if (logRequests) c.get('log').info({ method, route, status: code, durationMs: Math.round(seconds * 10_000) / 10 }, 'request');
  };

  /** Any other answer (files, forwarded sign-in answers, streams, preflights): the same headers, set on it. */
  function finish(c: Context<AppEnv>, requestId: string, cors: boolean, origin: string | undefined) {
    let headers: Headers;
    try {
      headers = c.res.headers;
      headers.set('X-Request-Id', requestId);
    } catch {
      // An answer with immutable headers (made by fetch, say): copied once.
      c.res = new Response(c.res.body, c.res);
      headers = c.res.headers;
      headers.set('X-Request-Id', requestId);
    }
    for (const [name, value] of security) if (!headers.has(name)) headers.set(name, value);
    headers.delete('X-Powered-By');
    if (cors) {
      if (origin && allowed.has(origin)) headers.set('Access-Control-Allow-Origin', origin);
      headers.set('Access-Control-Expose-Headers', exposedValue);
      headers.append('Vary', 'Origin');
    }
  }
}
