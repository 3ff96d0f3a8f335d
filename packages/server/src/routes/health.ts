import { createRoute, z, type RouteConfig } from '@hono/zod-openapi';
import { sql, type Kysely } from 'kysely';
import { DATABASE_RETRY_AFTER_SECONDS } from '../db/unavailable.ts';
import { directReads } from '../db/database.ts';
import type { Context } from 'hono';
import type { AppEnv } from '../http/context.ts';
import { jsonContent } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';

/** How long readiness waits for the database to answer `select 1` before it says not ready. */
export const READY_TIMEOUT_MS = 2000;
const VERSION = '0.1.0';

const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    database: z.object({ kind: z.enum(['sqlite', 'postgres']), ok: z.boolean() }),
    version: z.string(),
  })
  .openapi('Health');

const LiveSchema = z.object({ status: z.literal('ok'), version: z.string() }).openapi('Liveness');

/**
 * Whether the database answers `select 1`: SQLite in this process answers at once or throws (no
 * connection to lose, nothing to wait for), so it is asked synchronously; otherwise a promise of
 * whether it answers within `ms` (a server that hangs counts as not answering).
 */
function databaseAnswers(db: Kysely<any>, ms: number): boolean | Promise<boolean> {
  const direct = directReads.get(db);
  if (direct) {
    try {
      const rows = direct('select 1', []);
      // (null: a transaction is open on the connection, and the read queues behind it, below.)
      if (rows) return rows.length === 1;
    } catch {
      return false;
    }
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([
    sql`select 1`.execute(db).then(
      () => true,
      () => false,
    ),
    late,
  ]).finally(() => clearTimeout(timer));
}

/** A GET under /health, with the tag all three share. */
const healthRoute = <P extends string, R extends Omit<RouteConfig, 'method' | 'tags' | 'path'> & { path: P }>(route: R) =>
  createRoute(Object.assign({ method: 'get' as const, tags: ['health'] }, route));

/** What a route that asks the database answers (databaseHealth): the same body, 200 or 503. */
const healthAnswers = (ok: string, down: string) => ({ 200: jsonContent(HealthSchema, ok), 503: jsonContent(HealthSchema, down) });

const route = healthRoute({
  path: '/',
  summary: 'Is the server up, and which database does it use?',
  responses: healthAnswers('Healthy', 'The database does not answer (with Retry-After)'),
});

const live = healthRoute({
  path: '/live',
  summary: 'Liveness: the process is running and answering (never asks the database; restart the process only when this fails)',
  responses: { 200: jsonContent(LiveSchema, 'Alive') },
});

const ready = healthRoute({
  path: '/ready',
  summary: `Readiness: the database answers within ${READY_TIMEOUT_MS} ms (take the process out of the load balancer while it does not)`,
  responses: healthAnswers('Ready to serve', 'The database does not answer (it is restarting or unreachable); with Retry-After'),
});

/** Each answer's text, for each kind of database, made once: a load balancer asks many times a second. */
const answerOf = (kind: 'sqlite' | 'postgres', ok: boolean) =>
  JSON.stringify(HealthSchema.parse({ status: ok ? 'ok' : 'degraded', database: { kind, ok }, version: VERSION }));
const ANSWERS = {
  sqlite: { up: answerOf('sqlite', true), down: answerOf('sqlite', false) },
  postgres: { up: answerOf('postgres', true), down: answerOf('postgres', false) },
};

/**
 * The database's answer (health and readiness alike): 200, or 503 with Retry-After while it does not
 * answer. (The text is HealthSchema's own output, made once, so it is sent as text: typed as the
 * route's answer, since c.json would only stringify the same object again on every probe.)
 */
const databaseHealth = (c: Context<AppEnv>) => {
  const { db } = c.get('services');
  // No ETag (http/edge.ts): a load balancer never revalidates a probe, and asks many times a second.
  c.set('etag', null);
  const answer = (ok: boolean): never =>
    (ok
      ? c.body(ANSWERS[db.dialect.kind].up, 200, { 'Content-Type': 'application/json' })
      : c.body(ANSWERS[db.dialect.kind].down, 503, { 'Content-Type': 'application/json', 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) })) as never;
  const ok = databaseAnswers(db.kysely, READY_TIMEOUT_MS);
  return typeof ok === 'boolean' ? answer(ok) : ok.then(answer);
};

export const health = createRouter()
  .openapi(route, databaseHealth)
  .openapi(live, (c) => {
    c.set('etag', null);
    return c.json({ status: 'ok' as const, version: VERSION }, 200);
  })
  .openapi(ready, databaseHealth);
