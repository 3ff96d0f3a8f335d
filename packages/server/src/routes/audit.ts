import { createRoute, z } from '@hono/zod-openapi';
import { ApiError } from '../http/errors.ts';
import { communityErrors, jsonContent } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import { settleWrites } from '../audit-outbox.ts';
import { requireActiveUser } from '../http/authorize.ts';

const EntrySchema = z
  .object({
    seq: z.number(),
    at: z.string().openapi({ description: 'UTC' }),
    actorId: z.string().nullable(),
    action: z.string(),
    target: z.string().nullable(),
    outcome: z.enum(['success', 'failure', 'denied']),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    hash: z.string(),
  })
  .openapi('AuditEntry');

const route = createRoute({
  method: 'get',
  path: '/',
  tags: ['audit'],
  summary: 'The audit log, newest first: an agency administrator sees the entries of their agency’s users, a site administrator all',
  request: {
    query: z.strictObject({
      limit: z.coerce.number().int().min(1).max(500).default(100),
      before: z.coerce.number().int().min(1).optional().openapi({ description: 'Entries before this seq (the nextBefore of the previous page)' }),
    }),
  },
  responses: { 200: jsonContent(z.object({ items: z.array(EntrySchema), nextBefore: z.number().nullable() }), 'Entries'), ...communityErrors },
});

export const auditRoutes = createRouter().openapi(route, async (c) => {
  const actor = await requireActiveUser(c);
  if (!actor.siteAdmin && !(actor.agencyAdmin && actor.agencyId)) throw new ApiError(403, 'ADMIN_REQUIRED', 'Only agency and site administrators read the audit log.');
  const q = c.req.valid('query');
  // Entries still in the outbox (PostgreSQL) are chained first, so the newest are on the page.
  await settleWrites(c.get('services').db.kysely);
  let query = c.get('services').db.kysely.selectFrom('audit_log').selectAll();
  if (!actor.siteAdmin) query = query.where('actor_agency_id', '=', actor.agencyId!);
  if (q.before) query = query.where('seq', '<', q.before);
  const rows = await query.orderBy('seq', 'desc').limit(q.limit + 1).execute();
  const page = rows.slice(0, q.limit);
  const items = page.map((r) => ({
    seq: Number(r.seq),
    at: r.at,
    actorId: r.actor_id,
    action: r.action,
    target: r.target,
    outcome: r.outcome,
    ip: r.ip,
    userAgent: r.user_agent,
    details: JSON.parse(r.details) as Record<string, unknown>,
    hash: r.hash,
  }));
  return c.json({ items, nextBefore: rows.length > q.limit ? items[items.length - 1]!.seq : null }, 200);
});
