import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { Logger } from '../logger.ts';
import type { AppEnv } from './env.ts';
import type { Metrics } from '../metrics.ts';

/** An incoming X-Request-Id is kept only when it is a short token of safe characters (it goes into logs and headers). */
const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The route pattern that answered, as registered (`/api/v1/communities/:id`):
 * never the path the client sent, which carries ids and slugs. A request a
 * middleware refused before its route ran is named by that route (the first
 * matched endpoint); one that matched no endpoint is `(unmatched)` when it
 * got a 404, else the pattern of the middleware that answered (`/widgets/*`).
 */
export function routePattern(c: Context, status: number): string {
  const routes = matchedRoutes(c);
  const answered = routes[c.req.routeIndex];
  if (answered && answered.method !== 'ALL') return answered.path;
  const endpoint = routes.find((r) => r.method !== 'ALL');
  if (endpoint) return endpoint.path;
  if (status === 404 || !answered) return '(unmatched)';
  return answered.path;
}

/**
 * The first middleware: gives the request its id (echoed in `X-Request-Id`
 * and, by errorResponse, in error bodies) and a logger that carries it; when
 * the answer is ready, counts it for /metrics and writes one access line:
 * method, route pattern, status, duration and the id. Never the query string
 * (it may carry tokens), the body or a header.
 */
export function observe(log: Logger, metrics: Metrics | null, logRequests: boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const start = performance.now();
    const sent = c.req.header('x-request-id');
    const requestId = sent && SAFE_ID.test(sent) ? sent : randomUUID();
    const requestLog = log.child({ requestId });
    c.set('requestId', requestId);
    c.set('log', requestLog);
    await next();
    const seconds = (performance.now() - start) / 1000;
    try {
      c.res.headers.set('X-Request-Id', requestId);
    } catch {
      // An answer with immutable headers (made by fetch, say): copied once to add it.
      c.res = new Response(c.res.body, c.res);
      c.res.headers.set('X-Request-Id', requestId);
    }
    if (!metrics && !logRequests) return;
    const status = c.res.status;
    const route = routePattern(c, status);
    metrics?.request(c.req.method, route, status, seconds);
    if (logRequests) requestLog.info({ method: c.req.method, route, status, durationMs: Math.round(seconds * 10_000) / 10 }, 'request');
  };
}
