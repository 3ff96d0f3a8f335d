/**
 * The baseline the API benchmarks divide by: a bare Hono route on @hono/node-server, in its own process.
 *
 * Floors beside it, to tell what the stack itself costs from what this server adds: the same
 * route answering with the API's header set (`/bare/headers`, the headers a JSON answer of
 * http/edge.ts carries), and that plus one prepared SQLite statement (`/bare/sqlite`, what a
 * health check cannot do without). With JC_BENCH_PAGE_FILE (the feed page's own text, saved by
 * feed.ts): that text with the same headers (`/bare/page`, what sending it costs), and that after
 * three point reads of a file database in WAL mode, as the server opens it (`/bare/page-sql`: what a
 * cached feed page cannot do without: the session, the community with the membership, and the
 * page's version with the reader's reactions).
 */
import { serve } from '@hono/node-server';
import SQLite from 'better-sqlite3';
import { Hono } from 'hono';
import { readFileSync } from 'node:fs';
import path from 'node:path';

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

const pageFile = process.env.JC_BENCH_PAGE_FILE;
const page = pageFile ? readFileSync(pageFile, 'utf8') : '{}';
/** Three reads by key from a file database beside the page, opened as the server opens its own, of 100,000 rows. */
function threeReads(dir: string): () => void {
  const file = new SQLite(path.join(dir, 'floor.sqlite'));
  file.pragma('journal_mode = WAL');
  file.pragma('synchronous = FULL');
  file.exec('create table if not exists row (id text primary key, a text, b integer)');
  if ((file.prepare('select count(*) as n from row').get() as { n: number }).n === 0) {
    file.exec(`with recursive n(i) as (select 0 union all select i + 1 from n where i < 99999) insert into row select 'row_' || i, 'text ' || i, i from n`);
  }
  const byId = file.prepare('select * from row where id = ?');
  let next = 0;
  return () => {
    for (let i = 0; i < 3; i++) byId.all(`row_${(next = (next + 7919) % 100_000)}`);
  };
}
const three = pageFile ? threeReads(path.dirname(pageFile)) : () => {};

const app = new Hono()
  .get('/bare', (c) => c.json({ ok: true }))
  .get('/bare/headers', () => new Response(JSON.stringify({ ok: true }), { headers: { ...HEADERS, 'x-request-id': crypto.randomUUID() } }))
  .get('/bare/sqlite', () => new Response(JSON.stringify({ ok: Boolean(select.get()) }), { headers: { ...HEADERS, 'x-request-id': crypto.randomUUID() } }))
  .get('/bare/page', () => new Response(page, { headers: { ...HEADERS, 'x-request-id': crypto.randomUUID() } }))
  .get('/bare/page-sql', () => {
    three();
    return new Response(page, { headers: { ...HEADERS, 'x-request-id': crypto.randomUUID() } });
  });
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, () => console.log('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
