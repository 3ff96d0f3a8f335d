import { z } from '@hono/zod-openapi';
import { OriSchema, communityRoutes, jsonBody, jsonContent, IdParam as Id } from '../http/openapi.ts';
import { SERVICE_ROLES } from '../services/queries.ts';
import { SEVERITIES } from './policy.ts';

/* The announcements' API contract: what each route takes and answers (zod, and OpenAPI from it). */

const Audience = z.union([
  z.strictObject({ kind: z.literal('everyone') }),
  z.strictObject({ kind: z.literal('agencies'), agencies: z.array(OriSchema).min(1).max(500) }),
  z.strictObject({ kind: z.literal('roles'), roles: z.array(z.enum(SERVICE_ROLES)).min(1) }),
]);
const AnnouncementSchema = z
  .object({
    id: z.string(),
    severity: z.enum(SEVERITIES),
    title: z.string(),
    body: z.string(),
    startsAt: z.string(),
    endsAt: z.string().nullable(),
    dismissible: z.boolean().openapi({ description: 'false for emergencies' }),
    audience: z.union([z.object({ kind: z.literal('everyone') }), z.object({ kind: z.literal('agencies'), agencies: z.array(z.string()) }), z.object({ kind: z.literal('roles'), roles: z.array(z.string()) })]),
  })
  .openapi('Announcement');
const Input = z
  .strictObject({
    severity: z.enum(SEVERITIES),
    title: z.string().trim().min(1).max(200),
    body: z.string().trim().max(5000).default(''),
    startsAt: z.iso.datetime({ offset: true }).optional().openapi({ description: 'Now when left out' }),
    endsAt: z.iso.datetime({ offset: true }).nullable().optional(),
    audience: Audience.default({ kind: 'everyone' }),
  })
  .refine((a) => !a.endsAt || !a.startsAt || Date.parse(a.endsAt) > Date.parse(a.startsAt), { message: 'It must end after it starts', path: ['endsAt'] })
  .openapi('AnnouncementInput');
const Patch = z
  .strictObject({
    severity: z.enum(SEVERITIES).optional(),
    title: z.string().trim().min(1).max(200).optional(),
    body: z.string().trim().max(5000).optional(),
    startsAt: z.iso.datetime({ offset: true }).optional(),
    endsAt: z.iso.datetime({ offset: true }).nullable().optional(),
    audience: Audience.optional(),
  })
  .openapi('AnnouncementPatch');
const route = communityRoutes(['announcements']);

export const routes = {
  list: route({ method: 'get', path: '/announcements', summary: 'The announcements showing now for you (without signing in: those for everyone), most severe first', responses: { 200: jsonContent(z.object({ items: z.array(AnnouncementSchema) }), 'Announcements') } }),
  all: route({ method: 'get', path: '/announcements/all', summary: 'Every announcement, past, present and planned (site administrators)', responses: { 200: jsonContent(z.object({ items: z.array(AnnouncementSchema) }), 'Announcements') } }),
  create: route({ method: 'post', path: '/announcements', summary: 'Announce (site administrators)', request: jsonBody(Input), responses: { 201: jsonContent(AnnouncementSchema, 'Announced') } }),
  patch: route({ method: 'patch', path: '/announcements/{id}', summary: 'Change an announcement (site administrators)', request: { params: Id, ...jsonBody(Patch) }, responses: { 200: jsonContent(AnnouncementSchema, 'Changed') } }),
  remove: route({ method: 'delete', path: '/announcements/{id}', summary: 'Withdraw an announcement (site administrators)', request: { params: Id }, responses: { 200: jsonContent(z.object({ ok: z.literal(true) }), 'Withdrawn') } }),
  dismiss: route({ method: 'post', path: '/announcements/{id}/dismiss', summary: 'Hide an announcement for me (not an emergency)', request: { params: Id }, responses: { 200: jsonContent(z.object({ ok: z.literal(true) }), 'Dismissed') } }),
};
