import { appendAudit, origin } from '../audit.ts';
import { now } from '../db/database.ts';
import { allow, authorizeRef } from '../http/authorize.ts';
import { inTransaction } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { createRouter } from '../http/router.ts';
import { lockedAccess, membershipChanged } from './access.ts';
import { inviteMember } from './policy.ts';
import { invitablePeople, memberView, setMembership } from './queries.ts';
import { routes } from './schemas.ts';

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

const SENT = {
  ok: true as const,
  message: 'If this address belongs to someone who may join, they are invited and will see it in their communities.',
};

const USER_NOT_FOUND = () => new ApiError(404, 'USER_NOT_FOUND', 'No such user to invite.', { userId: 'Choose someone from the list' });

export const invitations = createRouter()
  .openapi(routes.invitable, async (c) => {
    const access = await authorizeRef(c, c.req.valid('param').ref, 'members.manage');
    const { q, limit } = c.req.valid('query');
    return c.json({ items: await invitablePeople(c.get('services').db.kysely, access.community.id, q, limit) }, 200);
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
        allow(inviteMember(existing));
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
