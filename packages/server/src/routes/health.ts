import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'kysely';
import { createRouter } from '../http/router.ts';

const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    database: z.object({ kind: z.enum(['sqlite', 'postgres']), ok: z.boolean() }),
    version: z.string(),
  })
  .openapi('Health');

const route = createRoute({
  method: 'get',
  path: '/',
  tags: ['health'],
  summary: 'Is the server up, and which database does it use?',
  responses: {
    200: { description: 'Healthy', content: { 'application/json': { schema: HealthSchema } } },
    503: { description: 'The database does not answer', content: { 'application/json': { schema: HealthSchema } } },
  },
});

export const health = createRouter().openapi(route, async (c) => {
  const { db } = c.get('services');
  let ok = true;
  try {
    await sql`select 1`.execute(db.kysely);
  } catch {
    ok = false;
  }
  const body = { status: ok ? ('ok' as const) : ('degraded' as const), database: { kind: db.dialect.kind, ok }, version: '0.1.0' };
  return ok ? c.json(body, 200) : c.json(body, 503);
});
