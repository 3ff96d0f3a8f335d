import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'kysely';
import { appendAudit, origin } from '../audit.ts';
import { authorizeRef } from '../http/authorize.ts';
import { setMembership } from '../data/communities.ts';
import { now } from '../db/database.ts';
import { inTransaction } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { communityErrors, jsonBody, jsonContent } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import { MemberSchema, Ref, lockedAccess, memberView, membershipChanged } from './communities.ts';

/**
 * Invitations into a community, without telling the inviter more than they
 * may know. An owner or moderator picks whom to invite from the people they
 * may see anyway (active, opted-in users: name, title, agency — what their
 * posts and member lists show), or types an email address. An email
 * invitation gets one answer whatever the address is (no account, pending,
 * suspended, an administrator, already a member); it reaches the account
 * only when that is an active, opted-in user with no membership here, and
 * then it stays between the community and the invitee (not in the invited
 * list, its live event to the invitee alone) until they accept it. Who it
 * really reached is written to the audit log.
 */

const Invitable = z.object({ userId: z.string(), name: z.string(), title: z.string().nullable(), agency: z.string().nullable() }).openapi('InvitablePerson');
const InvitableQuery = z.strictObject({
  q: z.string().trim().max(100).optional().openapi({ description: 'Part of the name' }),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
const InviteSchema = z
  .strictObject({
    userId: z.string().min(1).max(100).optional().openapi({ description: 'Someone from `GET /communities/{ref}/invitable`' }),
    email: z.email().max(254).optional(),
  })
  .refine((v) => Boolean(v.userId) !== Boolean(v.email), { message: 'Send either userId or email', path: ['email'] })
  .openapi('Invitation');
const InvitationSent = z.object({ ok: z.literal(true), message: z.string() }).openapi('InvitationSent');
const SENT = {
  ok: true as const,
  message: 'If this address belongs to someone who may join, they are invited and will see it in their communities.',
};

const tags = ['communities'];
const routes = {
  invitable: createRoute({
    method: 'get',
    path: '/{ref}/invitable',
    tags,
    summary: 'People you may invite (owners and moderators): active, opted-in users who are not members, by name',
    request: { params: Ref, query: InvitableQuery },
    responses: { 200: jsonContent(z.object({ items: z.array(Invitable) }), 'People'), ...communityErrors },
  }),
  invite: createRoute({
    method: 'post',
    path: '/{ref}/invitations',
    tags,
    summary: 'Invite someone from the picker (userId), or an email address (owners and moderators); the only way into a restricted community',
    request: { params: Ref, ...jsonBody(InviteSchema) },
    responses: {
      201: jsonContent(MemberSchema, 'Invited (by userId)'),
      202: jsonContent(InvitationSent, 'By email: the same answer for every address'),
      ...communityErrors,
    },
  }),
};

const USER_NOT_FOUND = () => new ApiError(404, 'USER_NOT_FOUND', 'No such user to invite.', { userId: 'Choose someone from the list' });

export const invitations = createRouter()
  .openapi(routes.invitable, async (c) => {
    const access = await authorizeRef(c, c.req.valid('param').ref, 'members.manage');
    const { q, limit } = c.req.valid('query');
    const pattern = q ? `%${q.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : null;
    const rows = await c
      .get('services')
      .db.kysely.selectFrom('user')
      .innerJoin('profile', 'profile.user_id', 'user.id')
      .leftJoin('agency', 'agency.id', 'profile.agency_id')
      .select(['user.id as userId', 'user.name as name', 'profile.title as title', 'agency.name as agency'])
      .where('profile.status', '=', 'active')
      .where('profile.opted_in', '=', 1)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('membership')
              .select('membership.user_id')
              .whereRef('membership.user_id', '=', 'user.id')
              .where('membership.community_id', '=', access.community.id)
              .where('membership.state', '=', 'active'),
          ),
        ),
      )
      .$if(pattern !== null, (qb) => qb.where(sql<boolean>`lower(${sql.ref('user.name')}) like ${pattern} escape '\\'`))
      .orderBy('user.name')
      .orderBy('user.id')
      .limit(limit)
      .execute();
    return c.json({ items: rows.map((r) => ({ userId: r.userId, name: r.name, title: r.title ?? null, agency: r.agency ?? null })) }, 200);
  })
  .openapi(routes.invite, async (c) => {
    const body = c.req.valid('json');
    if (body.userId) {
      const userId = body.userId;
      const member = await inTransaction(c, async (trx) => {
        const access = await lockedAccess(c, c.req.valid('param').ref, 'members.manage', trx);
        // Only someone the picker offers: an active, opted-in user.
        const target = await trx
          .selectFrom('profile')
          .select('user_id')
          .where('user_id', '=', userId)
          .where('status', '=', 'active')
          .where('opted_in', '=', 1)
          .executeTakeFirst();
        if (!target) throw USER_NOT_FOUND();
        const existing = await trx.selectFrom('membership').select('state').where('community_id', '=', access.community.id).where('user_id', '=', userId).executeTakeFirst();
        if (existing?.state === 'active') throw new ApiError(409, 'ALREADY_MEMBER', 'That user is already a member.');
        // An invitation answers a pending request at once.
        await setMembership(trx, access.community.id, userId, 'member', existing?.state === 'requested' ? 'active' : 'invited');
        // Chosen by name, it is the community's to know of (an earlier email invitation becomes one too).
        await trx.updateTable('membership').set({ via_email: 0 }).where('community_id', '=', access.community.id).where('user_id', '=', userId).execute();
        await membershipChanged(c, trx, access, userId, 'invited');
        return memberView(trx, access.community.id, userId);
      });
      return c.json(member, 201);
    }
    const email = body.email!.toLowerCase();
    await inTransaction(c, async (trx) => {
      const access = await lockedAccess(c, c.req.valid('param').ref, 'members.manage', trx);
      const target = await trx
        .selectFrom('user')
        .innerJoin('profile', 'profile.user_id', 'user.id')
        .select(['user.id as id', 'profile.status as status', 'profile.opted_in as optedIn'])
        .where('user.email', '=', email)
        .executeTakeFirst();
      let result: 'invited' | 'no-account' | 'not-eligible' | 'already-in' = 'no-account';
      if (target && (target.status !== 'active' || !target.optedIn)) result = 'not-eligible';
      else if (target) {
        const existing = await trx.selectFrom('membership').select('state').where('community_id', '=', access.community.id).where('user_id', '=', target.id).executeTakeFirst();
        if (existing) result = 'already-in';
        else {
          const at = now(trx);
          await trx
            .insertInto('membership')
            .values({ community_id: access.community.id, user_id: target.id, role: 'member', state: 'invited', via_email: 1, created_at: at, updated_at: at })
            .execute();
          await membershipChanged(c, trx, access, target.id, 'invited', true);
          result = 'invited';
        }
      }
      await appendAudit(trx, {
        actorId: access.actor.userId,
        action: 'community.invite-by-email',
        target: access.community.id,
        outcome: 'success',
        ...origin(c),
        details: { invitedUserId: result === 'invited' ? target!.id : null, result },
      });
    });
    return c.json(SENT, 202);
  });
