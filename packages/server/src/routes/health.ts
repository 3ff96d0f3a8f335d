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

/** Whether the database answers `select 1` within `ms` (a server that hangs counts as not answering). */
async function databaseAnswers(db: Kysely<any>, ms: number): Promise<boolean> {
  // SQLite in this process answers at once or throws (no connection to lose, nothing to wait for).
  const direct = directReads.get(db);
  if (direct) {
    try {
      if (direct('select 1', [])) return true;
    } catch {
      return false;
    }
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      sql`select 1`.execute(db).then(
        () => true,
        () => false,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
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

/** The database's answer (health and readiness alike): 200, or 503 with Retry-After while it does not answer. */
const databaseHealth = async (c: Context<AppEnv>) => {
  const { db } = c.get('services');
  const ok = await databaseAnswers(db.kysely, READY_TIMEOUT_MS);
  const body = { status: ok ? ('ok' as const) : ('degraded' as const), database: { kind: db.dialect.kind, ok }, version: VERSION };
  if (ok) return c.json(body, 200);
  c.header('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
  return c.json(body, 503);
};

export const health = createRouter()
  .openapi(route, databaseHealth)
  .openapi(live, (c) => c.json({ status: 'ok' as const, version: VERSION }, 200))
  .openapi(ready, databaseHealth);
