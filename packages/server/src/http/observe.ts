import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';

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
