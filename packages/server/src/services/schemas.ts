import { z } from '@hono/zod-openapi';
import { OriSchema, communityRoutes, jsonBody, jsonContent, IdParam as Id } from '../http/openapi.ts';
import { SERVICE_ICONS, SERVICE_ROLES, SERVICE_STATUSES } from './queries.ts';

/* The service directory's API contract (services, maintenance windows, favourites, access requests): what each route takes and answers (zod, and OpenAPI from it). */

const WindowSchema = z.object({ id: z.string(), startsAt: z.string(), endsAt: z.string(), message: z.string() }).openapi('MaintenanceWindow');
const Status = z.enum(SERVICE_STATUSES);
const Role = z.enum(SERVICE_ROLES);
const ServiceFields = {
  id: z.string(),
  name: z.string(),
  icon: z.enum(SERVICE_ICONS),
  description: z.string(),
  url: z.string().nullable().openapi({ description: 'Null for a user without access: the address is never shown to them' }),
  hasAccess: z.boolean(),
  accessInstructions: z.string(),
  accessRequest: z.object({ id: z.string(), state: z.enum(['pending', 'granted', 'denied']), createdAt: z.string() }).nullable(),
  community: z.object({ slug: z.string(), name: z.string() }).nullable(),
  status: Status.openapi({ description: 'maintenance while a window is open, whatever else is set' }),
  statusMessage: z.string().nullable(),
  statusUpdatedAt: z.string(),
  maintenance: z.object({ current: WindowSchema.nullable(), planned: z.array(WindowSchema) }),
  favorite: z.object({ position: z.number() }).nullable(),
};
const ServiceSchema = z.object(ServiceFields).openapi('Service');
const ServiceAdminSchema = z
  .object({
    ...ServiceFields,
    access: z.object({ rule: z.enum(['everyone', 'restricted']), agencies: z.array(z.object({ ori: z.string(), name: z.string() })), roles: z.array(Role) }),
    healthUrl: z.string().nullable(),
    statusSource: z.enum(['admin', 'health-check']),
    realUrl: z.string(),
  })
  .openapi('ServiceAdmin');
const AccessRequestSchema = z
  .object({
    id: z.string(),
    service: z.object({ id: z.string(), name: z.string() }),
    user: z.object({ id: z.string(), name: z.string(), email: z.string(), agency: z.string().nullable() }),
    note: z.string().nullable(),
    state: z.enum(['pending', 'granted', 'denied']),
    decisionNote: z.string().nullable(),
    createdAt: z.string(),
    decidedAt: z.string().nullable(),
  })
  .openapi('AccessRequest');

const HttpUrl = z.url({ protocol: /^https?$/, error: 'An http(s) address' }).max(2000);
const AccessInput = z.union([
  z.strictObject({ rule: z.literal('everyone') }),
  z.strictObject({ rule: z.literal('restricted'), agencies: z.array(OriSchema).max(500).default([]), roles: z.array(Role).max(10).default([]) }),
]);
const ServiceInput = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,49}$/, 'Lower-case letters, digits and dashes')
      .optional(),
    name: z.string().trim().min(1).max(100),
    icon: z.enum(SERVICE_ICONS),
    description: z.string().trim().max(2000).default(''),
    url: HttpUrl,
    community: z.string().min(1).max(100).nullable().optional().openapi({ description: 'The slug of the service’s JusticeConnect community' }),
    access: AccessInput.default({ rule: 'everyone' }),
    accessInstructions: z.string().trim().max(2000).default(''),
    healthUrl: HttpUrl.nullable().optional(),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .openapi('ServiceInput');
const ServicePatch = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    icon: z.enum(SERVICE_ICONS).optional(),
    description: z.string().trim().max(2000).optional(),
    url: HttpUrl.optional(),
    community: z.string().min(1).max(100).nullable().optional(),
    access: AccessInput.optional(),
    accessInstructions: z.string().trim().max(2000).optional(),
    healthUrl: HttpUrl.nullable().optional(),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .openapi('ServicePatch');
const StatusInput = z.strictObject({ status: Status.exclude(['maintenance']).openapi({ description: 'Maintenance comes from maintenance windows' }), message: z.string().trim().max(1000).nullable().optional() });
const WindowInput = z
  .strictObject({ startsAt: z.iso.datetime({ offset: true }), endsAt: z.iso.datetime({ offset: true }), message: z.string().trim().max(1000).default('') })
  .refine((w) => Date.parse(w.endsAt) > Date.parse(w.startsAt), { message: 'The window must end after it starts', path: ['endsAt'] })
  .openapi('MaintenanceWindowInput');

const route = communityRoutes(['services']);

export const routes = {
  list: route({ method: 'get', path: '/services', summary: 'The service directory as you see it: your favourites first, in your order', responses: { 200: jsonContent(z.object({ items: z.array(ServiceSchema) }), 'Services') } }),
  get: route({ method: 'get', path: '/services/{id}', summary: 'One service', request: { params: Id }, responses: { 200: jsonContent(ServiceSchema, 'The service') } }),
  create: route({ method: 'post', path: '/services', summary: 'Add a service (site administrators)', request: jsonBody(ServiceInput), responses: { 201: jsonContent(ServiceAdminSchema, 'Added') } }),
  admin: route({ method: 'get', path: '/services/{id}/admin', summary: 'A service with its access rule and health check (site administrators)', request: { params: Id }, responses: { 200: jsonContent(ServiceAdminSchema, 'The service') } }),
  patch: route({ method: 'patch', path: '/services/{id}', summary: 'Change a service (site administrators)', request: { params: Id, ...jsonBody(ServicePatch) }, responses: { 200: jsonContent(ServiceAdminSchema, 'Changed') } }),
  status: route({ method: 'put', path: '/services/{id}/status', summary: 'Set a service’s status (site administrators)', request: { params: Id, ...jsonBody(StatusInput) }, responses: { 200: jsonContent(ServiceAdminSchema, 'Set') } }),
  addWindow: route({ method: 'post', path: '/services/{id}/maintenance', summary: 'Plan a maintenance window (site administrators)', request: { params: Id, ...jsonBody(WindowInput) }, responses: { 201: jsonContent(ServiceAdminSchema, 'Planned') } }),
  removeWindow: route({ method: 'delete', path: '/maintenance/{id}', summary: 'Cancel a maintenance window (site administrators)', request: { params: Id }, responses: { 200: jsonContent(z.object({ ok: z.literal(true) }), 'Cancelled') } }),
  favorite: route({ method: 'put', path: '/services/{id}/favorite', summary: 'Mark as a favourite (added last in My Services)', request: { params: Id }, responses: { 200: jsonContent(z.object({ items: z.array(ServiceSchema) }), 'The directory') } }),
  unfavorite: route({ method: 'delete', path: '/services/{id}/favorite', summary: 'Unmark a favourite', request: { params: Id }, responses: { 200: jsonContent(z.object({ items: z.array(ServiceSchema) }), 'The directory') } }),
  order: route({ method: 'put', path: '/me/favorites', summary: 'My Services: exactly these favourites, in this order', request: jsonBody(z.strictObject({ serviceIds: z.array(z.string().min(1).max(100)).max(200) })), responses: { 200: jsonContent(z.object({ items: z.array(ServiceSchema) }), 'The directory') } }),
  request: route({ method: 'post', path: '/services/{id}/access-requests', summary: 'Ask for access to a service', request: { params: Id, ...jsonBody(z.strictObject({ note: z.string().trim().max(1000).optional() })) }, responses: { 201: jsonContent(AccessRequestSchema, 'Asked') } }),
  mine: route({ method: 'get', path: '/me/access-requests', summary: 'My access requests', responses: { 200: jsonContent(z.object({ items: z.array(AccessRequestSchema) }), 'Requests') } }),
  queue: route({ method: 'get', path: '/access-requests', summary: 'Access requests (site administrators)', request: { query: z.strictObject({ state: z.enum(['pending', 'granted', 'denied']).default('pending') }) }, responses: { 200: jsonContent(z.object({ items: z.array(AccessRequestSchema) }), 'Requests') } }),
  grant: route({ method: 'post', path: '/access-requests/{id}/grant', summary: 'Grant access (site administrators); the user is told', request: { params: Id, ...jsonBody(z.strictObject({ note: z.string().trim().max(1000).optional() })) }, responses: { 200: jsonContent(AccessRequestSchema, 'Granted') } }),
  deny: route({ method: 'post', path: '/access-requests/{id}/deny', summary: 'Deny access (site administrators); the user is told', request: { params: Id, ...jsonBody(z.strictObject({ note: z.string().trim().max(1000).optional() })) }, responses: { 200: jsonContent(AccessRequestSchema, 'Denied') } }),
};
