import { createTemplatesFromSettings } from '../data/activities.ts';
import { createForumsFromSettings } from '../forums/queries.ts';
import { createRoute, z } from '@hono/zod-openapi';
import { randomUUID } from 'node:crypto';
import { hasIdShape, readableCommunityIds, resolveCommunityRef, type Access, type Action } from '../authz.ts';
import { allow, authorize, authorizeRef, requireCommunityUser } from '../http/authorize.ts';
import { removeMember } from '../policy.ts';
import { lockCommunities } from '../db/locks.ts';
import {
  countOwners,
  memberCounts,
  removeMembershipTree,
  setMembership,
  freeSlug,
  slugTaken,
  toView,
  viewOf,
  type CommunitySettings,
} from '../data/communities.ts';
import { now } from '../db/database.ts';
import { ApiError } from '../http/errors.ts';
import { emit, inTransaction } from '../http/context.ts';
import { appendAudit, origin } from '../audit.ts';
import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import type { AppEnv } from '../http/context.ts';
import type { Database } from '../db/schema.ts';
import { CommunityRef, CommunityRefString, communityErrors, jsonBody, jsonContent } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';
import { CursorParam, encodeCursor } from '../http/cursor.ts';

const Visibility = z.enum(['public', 'moderated', 'restricted']);
export const RoleSchema = z.enum(['owner', 'moderator', 'member']);
const Slug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$/, 'Use 1–60 lowercase letters, digits and dashes')
  // An id's shape names a community by id (authz.ts resolveCommunityRef): a slug never has it.
  .refine((slug) => !hasIdShape(slug), 'This looks like a community id: choose a name-like address')
  .openapi({ example: 'i-35-corridor-task-force' });
export const Ref = CommunityRef;
const MemberRef = Ref.extend({ userId: z.string().min(1).max(100) });

const SettingsSchema = z
  .strictObject({
    descriptionTemplate: z.string().max(5000),
    forums: z.array(z.strictObject({ name: z.string().trim().min(1).max(100), description: z.string().max(1000).optional() })).max(50),
    activityTemplates: z.array(z.strictObject({ title: z.string().trim().min(1).max(200), steps: z.array(z.string().trim().min(1).max(200)).max(100) })).max(50),
  })
  .partial()
  .openapi('CommunitySettings');

const CommunitySchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    bannerUrl: z.string().nullable(),
    tags: z.array(z.string()),
    visibility: Visibility,
    parentId: z.string().nullable(),
    path: z.array(z.object({ id: z.string(), slug: z.string(), name: z.string() })),
    settings: SettingsSchema,
    archived: z.boolean(),
    memberCount: z.number().int(),
    membership: z.object({ role: RoleSchema, state: z.enum(['active', 'requested', 'invited']) }).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Community');

const CommunityPage = z.object({ items: z.array(CommunitySchema), nextCursor: z.string().nullable() }).openapi('CommunityPage');


const ListQuery = z.strictObject({
  scope: z.enum(['mine', 'all']).default('mine').openapi({ description: '`mine`: communities you belong to or asked to join; `all`: every community you may see' }),
  parent: CommunityRefString.optional().openapi({ description: 'Only the subcommunities of this community (its id or slug)' }),
  archived: z.enum(['true', 'false']).default('false'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: CursorParam.optional(),
});

const Url = z.url().max(2000).refine((u) => /^https?:/i.test(u), 'Use an http(s) URL');
const Tags = z.array(z.string().trim().min(1).max(40)).max(20);

const CreateSchema = z
  .strictObject({
    name: z.string().trim().min(1, 'Enter a name').max(100),
    slug: Slug.optional(),
    description: z.string().max(5000).optional(),
    bannerUrl: Url.nullable().optional(),
    tags: Tags.optional(),
    visibility: Visibility.optional(),
    parent: CommunityRefString.optional().openapi({ description: 'Create as a subcommunity of this community (its id or slug)' }),
    copyFrom: CommunityRefString.optional().openapi({ description: 'Copy the settings (visibility, description template, forum and activity templates) of this community; never its members or content' }),
    settings: SettingsSchema.optional(),
  })
  .openapi('CommunityCreate');

const UpdateSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    description: z.string().max(5000),
    bannerUrl: Url.nullable(),
    tags: Tags,
    visibility: Visibility,
    settings: SettingsSchema,
  })
  .partial()
  .refine((p) => Object.keys(p).length > 0, { message: 'Send at least one field to change' })
  .openapi('CommunityUpdate');

export const MemberSchema = z
  .object({
    userId: z.string(),
    name: z.string(),
    agency: z.string().nullable(),
    role: RoleSchema,
    state: z.enum(['active', 'requested', 'invited']),
    since: z.string(),
  })
  .openapi('Member');

const MembersQuery = z.strictObject({ state: z.enum(['active', 'requested', 'invited']).default('active') });
const RoleChange = z.strictObject({ role: RoleSchema }).openapi('RoleChange');

const MembershipResult = z
  .object({ community: CommunitySchema, membership: z.object({ role: RoleSchema, state: z.enum(['active', 'requested', 'invited']) }).nullable() })
  .openapi('MembershipResult');

const tag = ['communities'];

const routes = {
  list: createRoute({
    method: 'get',
    path: '/',
    tags: tag,
    summary: 'Communities you may see: yours (most recently updated first) or all',
    request: { query: ListQuery },
    responses: { 200: jsonContent(CommunityPage, 'A page of communities'), ...communityErrors },
  }),
  create: createRoute({
    method: 'post',
    path: '/',
    tags: tag,
    summary: 'Create a community or subcommunity, optionally copying another’s settings',
    request: jsonBody(CreateSchema),
    responses: { 201: jsonContent(CommunitySchema, 'Created; you are its owner'), ...communityErrors },
  }),
  get: createRoute({
    method: 'get',
    path: '/{ref}',
    tags: tag,
    summary: 'One community',
    request: { params: Ref },
    responses: { 200: jsonContent(CommunitySchema, 'The community'), ...communityErrors },
  }),
  update: createRoute({
    method: 'patch',
    path: '/{ref}',
    tags: tag,
    summary: 'Change a community (owners)',
    request: { params: Ref, ...jsonBody(UpdateSchema) },
    responses: { 200: jsonContent(CommunitySchema, 'The community'), ...communityErrors },
  }),
  archive: createRoute({
    method: 'post',
    path: '/{ref}/archive',
    tags: tag,
    summary: 'Archive a community (owners): it stays readable, and takes no more writes',
    request: { params: Ref },
    responses: { 200: jsonContent(CommunitySchema, 'The archived community'), ...communityErrors },
  }),
  join: createRoute({
    method: 'post',
    path: '/{ref}/join',
    tags: tag,
    summary: 'Join a public community, ask to join a moderated one, or accept an invitation',
    request: { params: Ref },
    responses: {
      200: jsonContent(MembershipResult, 'You are a member'),
      202: jsonContent(MembershipResult, 'Your request waits for an owner or moderator'),
      ...communityErrors,
    },
  }),
  leave: createRoute({
    method: 'post',
    path: '/{ref}/leave',
    tags: tag,
    summary: 'Leave (or cancel a request, or decline an invitation); leaving also leaves every subcommunity below',
    request: { params: Ref },
    responses: { 200: jsonContent(MembershipResult, 'You are no longer a member'), ...communityErrors },
  }),
  members: createRoute({
    method: 'get',
    path: '/{ref}/members',
    tags: tag,
    summary: 'Members, or (for owners and moderators) pending requests and invitations',
    request: { params: Ref, query: MembersQuery },
    responses: { 200: jsonContent(z.object({ items: z.array(MemberSchema) }), 'Members'), ...communityErrors },
  }),
  approve: createRoute({
    method: 'post',
    path: '/{ref}/members/{userId}/approve',
    tags: tag,
    summary: 'Approve a request to join (owners and moderators)',
    request: { params: MemberRef },
    responses: { 200: jsonContent(MemberSchema, 'Now a member'), ...communityErrors },
  }),
  deny: createRoute({
    method: 'post',
    path: '/{ref}/members/{userId}/deny',
    tags: tag,
    summary: 'Deny a request to join (owners and moderators)',
    request: { params: MemberRef },
    responses: { 200: jsonContent(z.object({ ok: z.literal(true) }), 'Denied'), ...communityErrors },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/{ref}/members/{userId}',
    tags: tag,
    summary: 'Remove a member (owners and moderators; only owners remove moderators and owners); removes them below too',
    request: { params: MemberRef },
    responses: { 200: jsonContent(z.object({ ok: z.literal(true) }), 'Removed'), ...communityErrors },
  }),
  role: createRoute({
    method: 'patch',
    path: '/{ref}/members/{userId}',
    tags: tag,
    summary: 'Change a member’s role (owners)',
    request: { params: MemberRef, ...jsonBody(RoleChange) },
    responses: { 200: jsonContent(MemberSchema, 'The member'), ...communityErrors },
  }),
};

export async function memberView(db: Parameters<typeof memberCounts>[0], communityId: string, userId: string) {
  const row = await db
    .selectFrom('membership')
    .innerJoin('user', 'user.id', 'membership.user_id')
    .leftJoin('profile', 'profile.user_id', 'membership.user_id')
    .leftJoin('agency', 'agency.id', 'profile.agency_id')
    .select(['membership.user_id as userId', 'user.name as name', 'agency.name as agency', 'membership.role as role', 'membership.state as state', 'membership.updated_at as since'])
    .where('membership.community_id', '=', communityId)
    .where('membership.user_id', '=', userId)
    .executeTakeFirst();
  if (!row) throw new ApiError(404, 'MEMBER_NOT_FOUND', 'That user has no membership here.');
  return { ...row, agency: row.agency ?? null };
}

/**
 * Tells the community's readers (and the member concerned) that a membership
 * changed; `quiet` tells the member alone (an invitation sent to their email
 * address is theirs to make known, by accepting it).
 */
export async function membershipChanged(c: Context<AppEnv>, trx: Kysely<Database>, access: Access, userId: string, action: string, quiet = false) {
  const row = await trx.selectFrom('membership').select(['role', 'state']).where('community_id', '=', access.community.id).where('user_id', '=', userId).executeTakeFirst();
  await emit(c, trx, {
    type: 'membership.changed',
    communityId: quiet ? null : access.community.id,
    userId,
    payload: { slug: access.community.slug, userId, action, role: row?.role ?? null, state: row?.state ?? null, by: access.actor.userId },
  });
}

async function communityChanged(
  c: Context<AppEnv>,
  trx: Kysely<Database>,
  type: 'community.created' | 'community.updated',
  communityId: string,
  slug: string,
  by: string,
  accessChanged = false,
) {
  await emit(c, trx, { type, communityId, payload: { slug, by, accessChanged } });
}

/**
 * `authorizeRef` for a change of who belongs to a community: the community is
 * locked first (db/locks.ts), so the caller's role, the target's row and the
 * owner count are all read after any concurrent change committed.
 */
export async function lockedAccess(c: Context<AppEnv>, ref: string, action: Action, trx: Kysely<Database>): Promise<Access> {
  const id = await resolveCommunityRef(trx, ref);
  if (id) await lockCommunities(trx, [id]);
  return authorizeRef(c, ref, action, trx);
}

/** An invitation sent to the user's email address that they have not accepted. */
export async function isEmailInvitation(db: Kysely<Database>, communityId: string, userId: string): Promise<boolean> {
  const row = await db.selectFrom('membership').select(['state', 'via_email']).where('community_id', '=', communityId).where('user_id', '=', userId).executeTakeFirst();
  return row?.state === 'invited' && Boolean(row.via_email);
}

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
    let ids = [...readable];
    if (q.scope === 'mine') {
      const mine = await db.kysely.selectFrom('membership').select('community_id').where('user_id', '=', actor.userId).execute();
      const set = new Set(mine.map((m) => m.community_id));
      ids = ids.filter((id) => set.has(id));
    }
    if (ids.length === 0) return c.json({ items: [], nextCursor: null }, 200);
    let query = db.kysely.selectFrom('community').selectAll().where('id', 'in', ids);
    if (parentId !== undefined) query = query.where('parent_id', '=', parentId);
    if (q.cursor) {
      const { c: u, i } = q.cursor;
      query = query.where((eb) => eb(eb.refTuple('updated_at', 'id'), '<', eb.tuple(u, i)));
    }
    const rows = await query.orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1).execute();
    const page = rows.slice(0, q.limit);
    const pageIds = page.map((r) => r.id);
    const [counts, own, parents] = await Promise.all([
      memberCounts(db.kysely, pageIds),
      pageIds.length
        ? db.kysely.selectFrom('membership').select(['community_id', 'role', 'state']).where('user_id', '=', actor.userId).where('community_id', 'in', pageIds).execute()
        : [],
      db.kysely.selectFrom('community').select(['id', 'slug', 'name', 'parent_id']).where('id', 'in', ids).execute(),
    ]);
    const ownBy = new Map(own.map((m) => [m.community_id, m]));
    const byId = new Map(parents.map((p) => [p.id, p]));
    const pathOf = (parent: string | null) => {
      const path: { id: string; slug: string; name: string }[] = [];
      for (let p = parent ? byId.get(parent) : undefined; p; p = p.parent_id ? byId.get(p.parent_id) : undefined) {
        path.unshift({ id: p.id, slug: p.slug, name: p.name });
      }
      return path;
    };
    const items = page.map((r) => {
      const m = ownBy.get(r.id);
      const inside = r.visibility !== 'restricted' || m?.state === 'active' || actor.siteAdmin;
      return toView(inside ? r : { ...r, settings: '{}' }, { path: pathOf(r.parent_id), memberCount: counts.get(r.id) ?? 0, membership: m ? { role: m.role, state: m.state } : null });
    });
    const last = page[page.length - 1];
    const nextCursor = rows.length > q.limit && last ? encodeCursor(last.updated_at, last.id) : null;
    return c.json({ items, nextCursor }, 200);
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
        ...(body.name !== undefined && { name: body.name }),
        ...(body.description !== undefined && { description: body.description }),
        ...(body.bannerUrl !== undefined && { banner_url: body.bannerUrl }),
        ...(body.tags !== undefined && { tags: JSON.stringify(body.tags) }),
        ...(body.visibility !== undefined && { visibility: body.visibility }),
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
      const state = own?.state === 'invited' || community.visibility === 'public' ? 'active' : 'requested';
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
    const rows = await db.kysely
      .selectFrom('membership')
      .innerJoin('user', 'user.id', 'membership.user_id')
      .leftJoin('profile', 'profile.user_id', 'membership.user_id')
      .leftJoin('agency', 'agency.id', 'profile.agency_id')
      .select(['membership.user_id as userId', 'user.name as name', 'agency.name as agency', 'membership.role as role', 'membership.state as state', 'membership.updated_at as since'])
      .where('membership.community_id', '=', access.community.id)
      .where('membership.state', '=', state)
      // Whom an email invitation reached stays unknown to the community until they accept (routes/invitations.ts).
      .$if(state === 'invited', (q) => q.where('membership.via_email', '=', 0))
      .orderBy('user.name')
      .limit(1000)
      .execute();
    return c.json({ items: rows.map((r) => ({ ...r, agency: r.agency ?? null })) }, 200);
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
      if (userId === access.actor.userId) throw new ApiError(409, 'USE_LEAVE', 'To remove yourself, leave the community.');
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
      if (row.role === 'owner' && role !== 'owner' && (await countOwners(trx, access.community.id)) <= 1) {
        throw new ApiError(409, 'LAST_OWNER', 'A community keeps at least one owner.');
      }
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
