import { z } from '@hono/zod-openapi';
import { hasIdShape } from '../authz.ts';
import { CursorParam } from '../http/cursor.ts';
import { CommunityRef, CommunityRefString, communityRoutes, jsonBody, jsonContent } from '../http/openapi.ts';

/* The communities' API contract (their members and invitations too): what each route takes and answers (zod, and OpenAPI from it). */

const Visibility = z.enum(['public', 'moderated', 'restricted']);
const RoleSchema = z.enum(['owner', 'moderator', 'member']);
const Slug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$/, 'Use 1–60 lowercase letters, digits and dashes')
  // An id's shape names a community by id (authz.ts resolveCommunityRef): a slug never has it.
  .refine((slug) => !hasIdShape(slug), 'This looks like a community id: choose a name-like address')
  .openapi({ example: 'i-35-corridor-task-force' });
const Ref = CommunityRef;
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

const MemberSchema = z
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

const route = communityRoutes(['communities']);

export const routes = {
  list: route({ method: 'get', path: '/', summary: 'Communities you may see: yours (most recently updated first) or all', request: { query: ListQuery }, responses: { 200: jsonContent(CommunityPage, 'A page of communities') } }),
  create: route({ method: 'post', path: '/', summary: 'Create a community or subcommunity, optionally copying another’s settings', request: jsonBody(CreateSchema), responses: { 201: jsonContent(CommunitySchema, 'Created; you are its owner') } }),
  get: route({ method: 'get', path: '/{ref}', summary: 'One community', request: { params: Ref }, responses: { 200: jsonContent(CommunitySchema, 'The community') } }),
  update: route({ method: 'patch', path: '/{ref}', summary: 'Change a community (owners)', request: { params: Ref, ...jsonBody(UpdateSchema) }, responses: { 200: jsonContent(CommunitySchema, 'The community') } }),
  archive: route({ method: 'post', path: '/{ref}/archive', summary: 'Archive a community (owners): it stays readable, and takes no more writes', request: { params: Ref }, responses: { 200: jsonContent(CommunitySchema, 'The archived community') } }),
  join: route({
    method: 'post',
    path: '/{ref}/join',
    summary: 'Join a public community, ask to join a moderated one, or accept an invitation',
    request: { params: Ref },
    responses: {
      200: jsonContent(MembershipResult, 'You are a member'),
      202: jsonContent(MembershipResult, 'Your request waits for an owner or moderator'),
    },
  }),
  leave: route({ method: 'post', path: '/{ref}/leave', summary: 'Leave (or cancel a request, or decline an invitation); leaving also leaves every subcommunity below', request: { params: Ref }, responses: { 200: jsonContent(MembershipResult, 'You are no longer a member') } }),
  members: route({ method: 'get', path: '/{ref}/members', summary: 'Members, or (for owners and moderators) pending requests and invitations', request: { params: Ref, query: MembersQuery }, responses: { 200: jsonContent(z.object({ items: z.array(MemberSchema) }), 'Members') } }),
  approve: route({ method: 'post', path: '/{ref}/members/{userId}/approve', summary: 'Approve a request to join (owners and moderators)', request: { params: MemberRef }, responses: { 200: jsonContent(MemberSchema, 'Now a member') } }),
  deny: route({ method: 'post', path: '/{ref}/members/{userId}/deny', summary: 'Deny a request to join (owners and moderators)', request: { params: MemberRef }, responses: { 200: jsonContent(z.object({ ok: z.literal(true) }), 'Denied') } }),
  remove: route({ method: 'delete', path: '/{ref}/members/{userId}', summary: 'Remove a member (owners and moderators; only owners remove moderators and owners); removes them below too', request: { params: MemberRef }, responses: { 200: jsonContent(z.object({ ok: z.literal(true) }), 'Removed') } }),
  role: route({ method: 'patch', path: '/{ref}/members/{userId}', summary: 'Change a member’s role (owners)', request: { params: MemberRef, ...jsonBody(RoleChange) }, responses: { 200: jsonContent(MemberSchema, 'The member') } }),
  /* Invitations (invitations.ts). */
  invitable: route({ method: 'get', path: '/{ref}/invitable', summary: 'People you may invite (owners and moderators): active, opted-in users who are not members, by name', request: { params: Ref, query: InvitableQuery }, responses: { 200: jsonContent(z.object({ items: z.array(Invitable) }), 'People') } }),
  invite: route({
    method: 'post',
    path: '/{ref}/invitations',
    summary: 'Invite someone from the picker (userId), or an email address (owners and moderators); the only way into a restricted community',
    request: { params: Ref, ...jsonBody(InviteSchema) },
    responses: {
      201: jsonContent(MemberSchema, 'Invited (by userId)'),
      202: jsonContent(InvitationSent, 'By email: the same answer for every address'),
    },
  }),
};
