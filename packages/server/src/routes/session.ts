import { createRoute, z } from '@hono/zod-openapi';
import { requireUser } from '../http/context.ts';
import { communityErrors, jsonContent } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';

/**
 * The current session's limits, so a widget can warn before the idle timeout
 * (each API request counts as activity; this one too, so "Stay signed in"
 * simply asks it again).
 */
const SessionInfo = z
  .object({
    idleTimeoutSeconds: z.number(),
    idleExpiresAt: z.string().openapi({ description: 'When the session ends if nothing else is asked of the server' }),
    expiresAt: z.string().openapi({ description: 'The absolute end of the session' }),
  })
  .openapi('SessionInfo');

const route = createRoute({
  method: 'get',
  path: '/',
  tags: ['auth'],
  summary: 'The current session’s idle timeout and absolute end (asking counts as activity)',
  responses: { 200: jsonContent(SessionInfo, 'The session'), ...communityErrors },
});

export const session = createRouter().openapi(route, async (c) => {
  await requireUser(c);
  const { db, clock, config } = c.get('services');
  const row = await db.kysely.selectFrom('session').select(['expiresAt']).where('id', '=', c.get('sessionId')!).executeTakeFirstOrThrow();
  const idle = config.sessions.idleMinutes * 60;
  return c.json(
    {
      idleTimeoutSeconds: idle,
      idleExpiresAt: new Date(clock.now().getTime() + idle * 1000).toISOString(),
      expiresAt: new Date(row.expiresAt).toISOString(),
    },
    200,
  );
});
