import * as z from 'zod/mini';

/*
 * The portal's service directory and announcements, as the server answers them
 * (packages/server/src/services/ and announcements/), checked at the
 * boundary before any widget uses them.
 */

/** The icons a service may name; the directory draws each as inline SVG. */
export const SERVICE_ICONS = ['search', 'database', 'fingerprint', 'chart', 'users', 'shield', 'map', 'book', 'message', 'alert', 'briefcase', 'globe'] as const;
export const ServiceIconSchema = z.enum(SERVICE_ICONS);
export type ServiceIcon = z.infer<typeof ServiceIconSchema>;

/** `maintenance` while a maintenance window is open, whatever else is set. */
export const SERVICE_STATUSES = ['operational', 'degraded', 'partial-outage', 'major-outage', 'maintenance'] as const;
export const ServiceStatusSchema = z.enum(SERVICE_STATUSES);
export type ServiceStatus = z.infer<typeof ServiceStatusSchema>;

export const AccessRequestStateSchema = z.enum(['pending', 'granted', 'denied']);
export type AccessRequestState = z.infer<typeof AccessRequestStateSchema>;

export const MaintenanceWindowSchema = z.object({ id: z.string(), startsAt: z.string(), endsAt: z.string(), message: z.string() });
export type MaintenanceWindow = z.infer<typeof MaintenanceWindowSchema>;

export const ServiceSchema = z.object({
  id: z.string(),
  name: z.string(),
  icon: ServiceIconSchema,
  description: z.string(),
  /** Null for a user without access: the address is never shown to them. */
  url: z.nullable(z.string()),
  hasAccess: z.boolean(),
  /** How to get access (for those without it), or extra requirements (for those with it); may be empty. */
  accessInstructions: z.string(),
  /** The user's latest request for access, if any. */
  accessRequest: z.nullable(z.object({ id: z.string(), state: AccessRequestStateSchema, createdAt: z.string() })),
  /** The service's JusticeConnect community, when it has one the user may see. */
  community: z.nullable(z.object({ slug: z.string(), name: z.string() })),
  status: ServiceStatusSchema,
  statusMessage: z.nullable(z.string()),
  statusUpdatedAt: z.string(),
  maintenance: z.object({ current: z.nullable(MaintenanceWindowSchema), planned: z.array(MaintenanceWindowSchema) }),
  /** In My Services, at this position (lower first). */
  favorite: z.nullable(z.object({ position: z.number() })),
});
export type Service = z.infer<typeof ServiceSchema>;
/** The directory as the user sees it: favourites first in their order, then the rest in the portal's order. */
export const ServiceListSchema = z.object({ items: z.array(ServiceSchema) });

export const AccessRequestSchema = z.object({
  id: z.string(),
  service: z.object({ id: z.string(), name: z.string() }),
  user: z.object({ id: z.string(), name: z.string(), email: z.string(), agency: z.nullable(z.string()) }),
  note: z.nullable(z.string()),
  state: AccessRequestStateSchema,
  decisionNote: z.nullable(z.string()),
  createdAt: z.string(),
  decidedAt: z.nullable(z.string()),
});
export type AccessRequest = z.infer<typeof AccessRequestSchema>;
export const AccessRequestListSchema = z.object({ items: z.array(AccessRequestSchema) });

/** Most severe first: the order the server sorts announcements in. */
export const SEVERITIES = ['emergency', 'error', 'warning', 'information', 'success'] as const;
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

export const AnnouncementSchema = z.object({
  id: z.string(),
  severity: SeveritySchema,
  title: z.string(),
  /** Plain text (never HTML). */
  body: z.string(),
  startsAt: z.string(),
  endsAt: z.nullable(z.string()),
  /** False for emergencies: they stay until they end. */
  dismissible: z.boolean(),
  audience: z.union([
    z.object({ kind: z.literal('everyone') }),
    z.object({ kind: z.literal('agencies'), agencies: z.array(z.string()) }),
    z.object({ kind: z.literal('roles'), roles: z.array(z.string()) }),
  ]),
});
export type Announcement = z.infer<typeof AnnouncementSchema>;
export const AnnouncementListSchema = z.object({ items: z.array(AnnouncementSchema) });
