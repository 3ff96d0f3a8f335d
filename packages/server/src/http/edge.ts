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
 * Here the API's JSON answers get every header in one plain record, written
 * into the adapter's light answer; anything else (files, the sign-in's
 * forwarded answers, a stream) gets the same headers set on it afterwards.
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

/**
 * @hono/node-server's light answer keeps `[status, body, headers]` under a
 * private symbol until something reads it as a full Fetch Response, and
 * writes it from there with one `writeHead`. Found once, on the first such
 * answer (an answer made elsewhere, by Fetch itself in a test, has none).
 */
let lightKey: symbol | undefined;
type LightParts = [number, unknown, Record<string, string | string[]> | Headers | undefined];

function lightParts(res: Response): LightParts | undefined {
  if (!lightKey) {
    lightKey = Object.getOwnPropertySymbols(res).find((k) => k.description === 'cache' && Array.isArray((res as never)[k]));
    if (!lightKey) return undefined;
  }
  const parts = (res as unknown as Record<symbol, LightParts | undefined>)[lightKey];
  return Array.isArray(parts) && parts.length === 3 ? parts : undefined;
}

export function edge(options: EdgeOptions): MiddlewareHandler<AppEnv> {
  const { services, log, metrics, logRequests, security, exposed } = options;
  const allowed = new Set(options.allowedOrigins);
  const probe = new Map(options.apiSecurity);
  const need = (name: string): string => {
    const value = probe.get(name);
    if (value === undefined || probe.size !== 6) throw new Error(`edge: the API header set is not the six this record writes: ${[...probe.keys()].join(', ')}`);
    return value;
  };
  const api = {
    csp: need('content-security-policy'),
    corp: need('cross-origin-resource-policy'),
    referrer: need('referrer-policy'),
    hsts: need('strict-transport-security'),
    nosniff: need('x-content-type-options'),
    frames: need('x-frame-options'),
  };
  const exposedValue = exposed.join(',');

  /**
   * An API answer of JSON text, as the route made it (c.json, with whatever it set with c.header or
   * c.status), rewritten in place: every header in one plain record, the ETag of a GET (a 304 when
   * If-None-Match holds it), the body compressed when it is large and the client accepts it. True when
   * done; false for anything else (a stream, a file, a forwarded answer), which `finish` handles.
   *
   * (Nothing here touches the request's Context: replacing `c.json` on it, as a wrapper per request,
   * cost more than the whole bare route, since V8 then rebuilds the Context's shape for every request.)
   */
  function rewrite(c: Context<AppEnv>, parts: LightParts, requestId: string, origin: string | undefined): boolean {
    const [status, body, own] = parts;
    if (typeof body !== 'string') return false;
    // What the route set (c.json's Content-Type; anything it set with c.header), apart.
    let type: string | string[] | undefined;
    let set: [string, string | string[]][] | null = null;
    if (own instanceof Headers) {
      for (const [k, v] of own) if (k === 'content-type') type = v;
      else if (k !== 'set-cookie') (set ??= []).push([k, v]);
      const cookies = own.getSetCookie();
      if (cookies.length > 0) (set ??= []).push(['set-cookie', cookies]);
    } else if (own) {
      for (const k in own) {
        const name = k.toLowerCase();
        if (name === 'content-type') type = own[k];
        else (set ??= []).push([name, own[k]!]);
      }
    }
    if (typeof type !== 'string' || !JSON_TYPE.test(type)) return false;
    // One literal of the same shape every time (V8 keeps such records fast: built key by key, from
    // names it cannot foresee, the same record cost several times the whole header set's writing).
    const h: HeaderRecord = {
      'content-security-policy': api.csp,
      'cross-origin-resource-policy': api.corp,
      'referrer-policy': api.referrer,
      'strict-transport-security': api.hsts,
      'x-content-type-options': api.nosniff,
      'x-frame-options': api.frames,
      'x-request-id': requestId,
      'content-type': type,
      'access-control-expose-headers': exposedValue,
      vary: 'Accept-Encoding, Origin',
    };
    if (set) for (const [k, v] of set) h[k] = v;
    if (origin && allowed.has(origin)) h['access-control-allow-origin'] = origin;
    const method = c.req.method;
    const path = c.req.path;
    // ETags for the API's JSON reads: a page that has not changed answers 304 with no body. The tag is a
    // hash of exactly what would be sent, so it can never claim a stale page is current; answers stay
    // `no-store` (criminal justice information is not kept in a browser's disk cache), so the widgets keep
    // the last page in memory and ask with If-None-Match themselves. A route may decide its own tag (the
    // `etag` variable): name it, when it knows what its text is made of (the feed's cached first page), or
    // say there is none (the health probes).
    let tag: string | null = null;
    const named = c.get('etag');
    if (status === 200 && method === 'GET' && path.startsWith('/api/v1/') && !set && named !== null) {
      tag = `"${named ?? createHash('sha1').update(body).digest('base64url')}"`;
      h.etag = tag;
      h['cache-control'] = 'no-store';
      if (etagMatches(c.req.header('if-none-match'), tag)) {
        const notModified: HeaderRecord = { ...h, vary: 'Origin' };
        delete notModified['content-type'];
        parts[0] = 304;
        parts[1] = null;
        parts[2] = notModified;
        return true;
      }
    }
    parts[2] = h;
    // JSON answers of 1 KB or more, when successful (the audit log reads a refusal's code from its body),
    // go out compressed with brotli or gzip as Accept-Encoding allows (not the live stream, not a HEAD);
    // their ETag becomes weak.
    if (status < 200 || status >= 300 || method === 'HEAD' || path === '/api/v1/events') return true;
    const size = Buffer.byteLength(body);
    if (size < JSON_COMPRESS_THRESHOLD) return true;
    const coding = acceptedCodings(c.req.header('accept-encoding'))[0];
    if (!coding) return true;
    const data =
      coding === 'br'
        ? brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_SIZE_HINT]: size } })
        : gzipSync(body, { level: 6 });
    h['content-encoding'] = coding;
    h['content-length'] = String(data.byteLength);
    if (tag) h.etag = `W/${tag}`;
    parts[1] = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return true;
  }

  return async (c, next) => {
    const start = performance.now();
    const sent = c.req.header('x-request-id');
    const requestId = sent && SAFE_ID.test(sent) ? sent : randomUUID();
    c.set('requestId', requestId);
    c.set('log', new LazyRequestLog(log, requestId));
    c.set('services', services);
    await next();
    const method = c.req.method;
    // CORS on an actual API request (a preflight is answered by Hono's cors in app.ts).
    const cors = method !== 'OPTIONS' && c.req.path.startsWith('/api/');
    const origin = cors ? c.req.header('origin') : undefined;
    const parts = cors ? lightParts(c.res) : undefined;
    if (parts) {
      if (!rewrite(c, parts, requestId, origin)) finish(c, requestId, cors, origin);
    } else if (cors && JSON_TYPE.test(c.res.headers.get('content-type') ?? '')) {
      // A full Fetch answer of JSON (under another adapter, or app.request in the tests): the same, rebuilt.
      const res = c.res;
      const rebuilt: LightParts = [res.status, await res.text(), res.headers];
      rewrite(c, rebuilt, requestId, origin);
      const pairs: [string, string][] = [];
      for (const [k, v] of Object.entries(rebuilt[2] as HeaderRecord)) for (const one of [v].flat()) pairs.push([k, one]);
      c.res = new Response(rebuilt[1] as ConstructorParameters<typeof Response>[0], { status: rebuilt[0], headers: pairs });
    } else {
      finish(c, requestId, cors, origin);
    }
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
