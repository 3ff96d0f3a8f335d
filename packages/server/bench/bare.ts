/**
 * The baseline the API benchmarks divide by: a bare Hono route on @hono/node-server, in its own process.
 *
 * Two floors beside it, to tell what the stack itself costs from what this server adds: the same
 * route answering with the API's header set (`/bare/headers`, the headers a JSON answer of
 * http/edge.ts carries), and that plus one prepared SQLite statement (`/bare/sqlite`, what a
 * health check cannot do without).
 */
import { serve } from '@hono/node-server';
import SQLite from 'better-sqlite3';
import { Hono } from 'hono';

const HEADERS = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'cross-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'access-control-expose-headers': 'set-auth-token,ETag',
  'cache-control': 'no-store',
  vary: 'Accept-Encoding, Origin',
  'content-type': 'application/json',
};
const select = new SQLite(':memory:').prepare('select 1 as ok');

const app = new Hono()
  .get('/bare', (c) => c.json({ ok: true }))
  .get('/bare/headers', () => new Response(JSON.stringify({ ok: true }), { headers: { ...HEADERS, 'x-request-id': crypto.randomUUID() } }))
  .get('/bare/sqlite', () => new Response(JSON.stringify({ ok: Boolean(select.get()) }), { headers: { ...HEADERS, 'x-request-id': crypto.randomUUID() } }));
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, () => console.log('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
