import { randomUUID } from 'node:crypto';
import { readableCommunityIds, type Access } from '../authz.ts';
import { createTemplatesFromSettings } from '../activities/queries.ts';
import { appendAudit, origin } from '../audit.ts';
import { now } from '../db/database.ts';
import { createForumsFromSettings } from '../forums/queries.ts';
import { allow, authorize, authorizeRef, requireCommunityUser } from '../http/authorize.ts';
import { inTransaction } from '../http/context.ts';
import { ApiError } from '../http/errors.ts';
import { createRouter } from '../http/router.ts';
import { communityChanged, lockedAccess, membershipChanged } from './access.ts';
import { changeRole, joinedAs, removeMember, removeOther } from './policy.ts';
import {
  communityPage,
  countOwners,
  freeSlug,
  isEmailInvitation,
  memberList,
  memberView,
  removeMembershipTree,
  setMembership,
  slugTaken,
  viewOf,
  type CommunitySettings,
} from './queries.ts';
import { routes } from './schemas.ts';
import { sentColumns } from '../http/patch.ts';

/*
 * Communities: create, read, change and archive them, join and leave them,
 * and manage their members (each resource's routes, schemas, queries and
 * policy in this folder; invitations in invitations.ts). Every read and write
 * asks the authorization function about the community; a change of who
 * belongs runs under the community's lock (access.ts lockedAccess).
 */

function membershipResult(view: Awaited<ReturnType<typeof viewOf>>) {
  return { community: view, membership: view.membership };
}

export const communities = createRouter()
  .openapi(routes.list, async (c) => {
    const { db } = c.get('services');
    const actor = await requireCommunityUser(c);
    const q = c.req.valid('query');
    const includeArchived = q.archived === 'true';
    const readable = await readableCommunityIds(db.kysely, actor, includeArchived);
    let parentId: string | null | undefined;
    if (q.parent) parentId = (await authorizeRef(c, q.parent, 'community.read')).community.id;
    return c.json(await communityPage(db.kysely, actor, readable, { scope: q.scope, parentId, limit: q.limit, cursor: q.cursor }), 200);
  })
  .openapi(routes.create, async (c) => {
    const actor = await requireCommunityUser(c);
    const body = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      let parent: Access | undefined;
      if (body.parent) parent = await authorizeRef(c, body.parent, 'community.create-sub', trx);
      let copied: { visibility?: 'public' | 'moderated' | 'restricted'; settings?: CommunitySettings } = {};
      if (body.copyFrom) {
        // Templates are part of a community's inside: copying needs the right to read inside it.
        const source = await authorizeRef(c, body.copyFrom, 'content.read', trx);
        copied = { visibility: source.community.visibility, settings: JSON.parse(source.community.settings) as CommunitySettings };
      }
      const settings: CommunitySettings = { ...copied.settings, ...body.settings };
      const at = now(trx);
      const id = randomUUID();
      // The slug is taken by inserting it (its unique index decides between requests at once, db/locks.ts): a free one is looked for again when another took it meanwhile.
      let slug = '';
      for (let inserted = false; !inserted; ) {
        slug = body.slug ?? (await freeSlug(trx, body.name));
        // Taken: another community's slug, or any community's id (ids that predate UUIDs have no id shape).
        const taken = body.slug && (await slugTaken(trx, slug));
        if (taken) throw new ApiError(409, 'SLUG_TAKEN', 'Another community already uses that address.', { slug: 'Already in use' });
        const res = await trx
          .insertInto('community')
          .values({
            id,
            parent_id: parent?.community.id ?? null,
            slug,
            name: body.name,
            description: body.description ?? settings.descriptionTemplate ?? '',
            banner_url: body.bannerUrl ?? null,
            tags: JSON.stringify(body.tags ?? []),
            visibility: body.visibility ?? copied.visibility ?? 'public',
            settings: JSON.stringify(settings),
            created_by: actor.userId,
            archived_at: null,
            created_at: at,
            updated_at: at,
          })
          .onConflict((oc) => oc.column('slug').doNothing())
          .executeTakeFirst();
        inserted = Number(res.numInsertedOrUpdatedRows) > 0;
        if (!inserted && body.slug) throw new ApiError(409, 'SLUG_TAKEN', 'Another community already uses that address.', { slug: 'Already in use' });
      }
      await setMembership(trx, id, actor.userId, 'owner', 'active');
      await createForumsFromSettings(trx, id, settings.forums);
      await createTemplatesFromSettings(trx, id, actor.userId, settings.activityTemplates);
      await communityChanged(c, trx, 'community.created', id, slug, actor.userId);
      return viewOf(trx, (await authorize(c, id, 'community.read', trx)));
    });
    return c.json(view, 201);
  })
  .openapi(routes.get, async (c) => {
    const access = await authorizeRef(c, c.req.valid('param').ref, 'community.read');
    return c.json(await viewOf(c.get('services').db.kysely, access), 200);
  })
  .openapi(routes.update, async (c) => {
    const body = c.req.valid('json');
    const view = await inTransaction(c, async (trx) => {
      const access = await authorizeRef(c, c.req.valid('param').ref, 'community.update', trx);
      const changes = {
        ...sentColumns(body, { name: 'name', description: 'description', bannerUrl: 'banner_url', visibility: 'visibility' }),
        ...(body.tags !== undefined && { tags: JSON.stringify(body.tags) }),
        ...(body.settings !== undefined && { settings: JSON.stringify(body.settings) }),
        updated_at: now(trx),
      };
      await trx.updateTable('community').set(changes).where('id', '=', access.community.id).execute();
      const accessChanged = body.visibility !== undefined && body.visibility !== access.community.visibility;
      await communityChanged(c, trx, 'community.updated', access.community.id, access.community.slug, access.actor.userId, accessChanged);
      return viewOf(trx, await authorize(c, access.community.id, 'community.read', trx));
    });
    return c.json(view, 200);
  })
  .openapi(routes.archive, async (c) => {
    const view = await inTransaction(c, async (trx) => {
      const access = await authorizeRef(c, c.req.valid('param').ref, 'community.archive', trx);
      const at = now(trx);
      await trx.updateTable('community').set({ archived_at: access.community.archived_at ?? at, updated_at: at }).where('id', '=', access.community.id).execute();
      await communityChanged(c, trx, 'community.updated', access.community.id, access.community.slug, access.actor.userId);
      return viewOf(trx, await authorize(c, access.community.id, 'community.read', trx));
    });
    return c.json(view, 200);
  })
  .openapi(routes.join, async (c) => {
    const result = await inTransaction(c, async (trx) => {
      const access = await lockedAccess(c, c.req.valid('param').ref, 'community.join', trx);
      const { community, own, actor } = access;
      const state = joinedAs(access);
      await setMembership(trx, community.id, actor.userId, own?.role ?? 'member', state);
      await membershipChanged(c, trx, access, actor.userId, state === 'active' ? 'joined' : 'requested');
      const view = await viewOf(trx, await authorize(c, community.id, 'community.read', trx));
      return { view, state };
    });
    return c.json(membershipResult(result.view), result.state === 'active' ? 200 : 202);
  })
  .openapi(routes.leave, async (c) => {
    const view = await inTransaction(c, async (trx) => {
      const access = await lockedAccess(c, c.req.valid('param').ref, 'community.leave', trx);
      const { community, actor } = access;
      const quiet = await isEmailInvitation(trx, community.id, actor.userId);
      await removeMembershipTree(trx, community.id, actor.userId);
      await membershipChanged(c, trx, access, actor.userId, 'left', quiet);
      const after = await authorize(c, community.id, 'community.read', trx).catch(() => null);
      return after ? viewOf(trx, after) : viewOf(trx, { ...access, own: null, role: null });
    });
    return c.json(membershipResult(view), 200);
  })
  .openapi(routes.members, async (c) => {
    const { db } = c.get('services');
    const { state } = c.req.valid('query');
    const access = await authorizeRef(c, c.req.valid('param').ref, state === 'active' ? 'members.read' : 'members.manage');
    return c.json({ items: await memberList(db.kysely, access.community.id, state) }, 200);
  })
  .openapi(routes.approve, async (c) => {
    const { ref, userId } = c.req.valid('param');
    const member = await inTransaction(c, async (trx) => {
      const access = await lockedAccess(c, ref, 'members.manage', trx);
      const row = await trx.selectFrom('membership').select(['role', 'state']).where('community_id', '=', access.community.id).where('user_id', '=', userId).executeTakeFirst();
      if (row?.state !== 'requested') throw new ApiError(404, 'REQUEST_NOT_FOUND', 'That user has not asked to join.');
      await setMembership(trx, access.community.id, userId, row.role, 'active');
      await membershipChanged(c, trx, access, userId, 'approved');
      return memberView(trx, access.community.id, userId);
    });
    return c.json(member, 200);
  })
  .openapi(routes.deny, async (c) => {
    const { ref, userId } = c.req.valid('param');
    await inTransaction(c, async (trx) => {
      const access = await lockedAccess(c, ref, 'members.manage', trx);
      const res = await trx.deleteFrom('membership').where('community_id', '=', access.community.id).where('user_id', '=', userId).where('state', '=', 'requested').executeTakeFirst();
      if (Number(res.numDeletedRows) === 0) throw new ApiError(404, 'REQUEST_NOT_FOUND', 'That user has not asked to join.');
      await membershipChanged(c, trx, access, userId, 'denied');
    });
    return c.json({ ok: true as const }, 200);
  })
  .openapi(routes.remove, async (c) => {
    const { ref, userId } = c.req.valid('param');
    await inTransaction(c, async (trx) => {
      const access = await lockedAccess(c, ref, 'members.manage', trx);
      allow(removeOther(access, userId));
      const row = await trx.selectFrom('membership').select(['role', 'state', 'via_email']).where('community_id', '=', access.community.id).where('user_id', '=', userId).executeTakeFirst();
      // An invitation sent by email is not the community's to know of, or to withdraw by id.
      if (!row || (row.state === 'invited' && row.via_email)) throw new ApiError(404, 'MEMBER_NOT_FOUND', 'That user has no membership here.');
      allow(removeMember(access, row));
      await removeMembershipTree(trx, access.community.id, userId);
      await membershipChanged(c, trx, access, userId, 'removed');
    });
    return c.json({ ok: true as const }, 200);
  })
  .openapi(routes.role, async (c) => {
    const { ref, userId } = c.req.valid('param');
    const { role } = c.req.valid('json');
    const member = await inTransaction(c, async (trx) => {
      const access = await lockedAccess(c, ref, 'members.role', trx);
      const row = await trx.selectFrom('membership').select(['role', 'state']).where('community_id', '=', access.community.id).where('user_id', '=', userId).executeTakeFirst();
      if (row?.state !== 'active') throw new ApiError(404, 'MEMBER_NOT_FOUND', 'That user is not a member here.');
      allow(changeRole(row, role, await countOwners(trx, access.community.id)));
      await setMembership(trx, access.community.id, userId, role, 'active');
      // Who had which role before and after, recorded with the change.
      await appendAudit(trx, {
        actorId: access.actor.userId,
        action: 'membership.role-changed',
        target: userId,
        outcome: 'success',
        ...origin(c),
        details: { communityId: access.community.id, userId, oldRole: row.role, newRole: role },
      });
      await membershipChanged(c, trx, access, userId, 'role-changed');
      return memberView(trx, access.community.id, userId);
    });
    return c.json(member, 200);
  });
