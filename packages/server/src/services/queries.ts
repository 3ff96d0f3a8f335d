import type { Kysely, Selectable } from 'kysely';
import type { Actor } from '../authz.ts';
import type { Database, ServiceRole, ServiceStatus, ServiceTable } from '../db/schema.ts';
import { joinUserAgency } from '../data/profiles.ts';
import { ApiError } from '../http/errors.ts';
import { hasAccess } from './policy.ts';

export type ServiceRow = Selectable<ServiceTable>;

/** Icons the directory draws (inline SVG in the widget); a service names one. */
export const SERVICE_ICONS = ['search', 'database', 'fingerprint', 'chart', 'users', 'shield', 'map', 'book', 'message', 'alert', 'briefcase', 'globe'] as const;
export type ServiceIcon = (typeof SERVICE_ICONS)[number];
export const SERVICE_STATUSES = ['operational', 'degraded', 'partial-outage', 'major-outage', 'maintenance'] as const satisfies readonly ServiceStatus[];
export const SERVICE_ROLES = ['site-admin', 'agency-admin'] as const satisfies readonly ServiceRole[];

/** Planned maintenance is shown this far ahead. */
export const PLANNED_HORIZON_MS = 14 * 24 * 3600_000;

export interface WindowView {
  id: string;
  startsAt: string;
  endsAt: string;
  message: string;
}

export interface ServiceView {
  id: string;
  name: string;
  icon: ServiceIcon;
  description: string;
  /** Only for those with access: a user never learns the address of a service they may not use. */
  url: string | null;
  hasAccess: boolean;
  /** How to get access (shown to those without it, and as extra requirements to those with it). */
  accessInstructions: string;
  accessRequest: { id: string; state: 'pending' | 'granted' | 'denied'; createdAt: string } | null;
  /** The service's JusticeConnect community, when it has one the user may see. */
  community: { slug: string; name: string } | null;
  status: ServiceStatus;
  statusMessage: string | null;
  statusUpdatedAt: string;
  maintenance: { current: WindowView | null; planned: WindowView[] };
  favorite: { position: number } | null;
}

export interface ServiceAdminView extends ServiceView {
  access: { rule: 'everyone' | 'restricted'; agencies: { ori: string; name: string }[]; roles: ServiceRole[] };
  healthUrl: string | null;
  statusSource: 'admin' | 'health-check';
  realUrl: string;
}

interface Loaded {
  rules: Map<string, { kind: 'agency' | 'role'; value: string }[]>;
  grants: Set<string>;
  windows: Map<string, WindowView[]>;
  favorites: Map<string, number>;
  requests: Map<string, { id: string; state: 'pending' | 'granted' | 'denied'; createdAt: string }>;
  communities: Map<string, { slug: string; name: string }>;
}

/** The status a reader sees now: maintenance while a window is open, otherwise the status set. */
export function effectiveStatus(service: Pick<ServiceRow, 'status' | 'status_message'>, current: WindowView | null): { status: ServiceStatus; message: string | null } {
  if (current) return { status: 'maintenance', message: current.message || service.status_message };
  return { status: service.status, message: service.status_message };
}

async function load(db: Kysely<Database>, actor: Actor, ids: string[], now: Date, readableCommunities: Set<string>): Promise<Loaded> {
  if (ids.length === 0) return { rules: new Map(), grants: new Set(), windows: new Map(), favorites: new Map(), requests: new Map(), communities: new Map() };
  const nowIso = now.toISOString();
  const horizon = new Date(now.getTime() + PLANNED_HORIZON_MS).toISOString();
  const [rules, grants, windows, favorites, requests, communities] = await Promise.all([
    db.selectFrom('service_access').selectAll().where('service_id', 'in', ids).execute(),
    db.selectFrom('service_grant').select('service_id').where('user_id', '=', actor.userId).execute(),
    db
      .selectFrom('maintenance_window')
      .select(['id', 'service_id', 'starts_at', 'ends_at', 'message'])
      .where('service_id', 'in', ids)
      .where('ends_at', '>', nowIso)
      .where('starts_at', '<', horizon)
      .orderBy('starts_at')
      .execute(),
    db.selectFrom('service_favorite').select(['service_id', 'position']).where('user_id', '=', actor.userId).execute(),
    db.selectFrom('access_request').select(['id', 'service_id', 'state', 'created_at']).where('user_id', '=', actor.userId).orderBy('created_at').execute(),
    db
      .selectFrom('service')
      .innerJoin('community', 'community.id', 'service.community_id')
      .select(['service.id', 'community.id as community_id', 'community.slug', 'community.name'])
      .where('service.id', 'in', ids)
      .execute(),
  ]);
  const group = <T, K>(rows: T[], key: (r: T) => K) => {
    const m = new Map<K, T[]>();
    for (const r of rows) m.set(key(r), [...(m.get(key(r)) ?? []), r]);
    return m;
  };
  return {
    rules: new Map([...group(rules, (r) => r.service_id)].map(([k, v]) => [k, v.map((r) => ({ kind: r.kind, value: r.value }))])),
    grants: new Set(grants.map((g) => g.service_id)),
    windows: new Map([...group(windows, (w) => w.service_id)].map(([k, v]) => [k, v.map((w) => ({ id: w.id, startsAt: w.starts_at, endsAt: w.ends_at, message: w.message }))])),
    favorites: new Map(favorites.map((f) => [f.service_id, Number(f.position)])),
    // The latest request per service.
    requests: new Map(requests.map((r) => [r.service_id, { id: r.id, state: r.state, createdAt: r.created_at }])),
    communities: new Map(communities.filter((c) => readableCommunities.has(c.community_id)).map((c) => [c.id, { slug: c.slug, name: c.name }])),
  };
}

function view(s: ServiceRow, actor: Actor, l: Loaded, now: Date): ServiceView {
  const access = hasAccess(actor, s, l.rules.get(s.id) ?? [], l.grants.has(s.id));
  const windows = l.windows.get(s.id) ?? [];
  const nowIso = now.toISOString();
  const current = windows.find((w) => w.startsAt <= nowIso && w.endsAt > nowIso) ?? null;
  const { status, message } = effectiveStatus(s, current);
  const favorite = l.favorites.get(s.id);
  return {
    id: s.id,
    name: s.name,
    // Stored only through the API, which accepts only known icons.
    icon: s.icon as ServiceIcon,
    description: s.description,
    url: access ? s.url : null,
    hasAccess: access,
    accessInstructions: s.access_instructions,
    accessRequest: l.requests.get(s.id) ?? null,
    community: l.communities.get(s.id) ?? null,
    status,
    statusMessage: message,
    statusUpdatedAt: s.status_updated_at,
    maintenance: { current, planned: windows.filter((w) => w.startsAt > nowIso) },
    favorite: favorite === undefined ? null : { position: favorite },
  };
}

/** The directory as the actor sees it: favourites first in their order, then the rest in the portal's order. */
export async function serviceViews(db: Kysely<Database>, actor: Actor, now: Date, readableCommunities: Set<string>, onlyId?: string): Promise<ServiceView[]> {
  let q = db.selectFrom('service').selectAll();
  if (onlyId) q = q.where('id', '=', onlyId);
  const rows = await q.orderBy('position').orderBy('name').execute();
  const loaded = await load(
    db,
    actor,
    rows.map((r) => r.id),
    now,
    readableCommunities,
  );
  const views = rows.map((r) => view(r, actor, loaded, now));
  const favs = views.filter((v) => v.favorite).sort((a, b) => a.favorite!.position - b.favorite!.position);
  return [...favs, ...views.filter((v) => !v.favorite)];
}

export async function adminView(db: Kysely<Database>, actor: Actor, now: Date, readableCommunities: Set<string>, id: string): Promise<ServiceAdminView> {
  const [base] = await serviceViews(db, actor, now, readableCommunities, id);
  const row = await db.selectFrom('service').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const rules = await db.selectFrom('service_access').selectAll().where('service_id', '=', id).execute();
  const agencyIds = rules.filter((r) => r.kind === 'agency').map((r) => r.value);
  const agencies = agencyIds.length ? await db.selectFrom('agency').select(['ori', 'name']).where('id', 'in', agencyIds).orderBy('name').execute() : [];
  return {
    ...base!,
    access: { rule: row.access_rule, agencies, roles: rules.filter((r) => r.kind === 'role').map((r) => r.value as ServiceRole) },
    healthUrl: row.health_url,
    statusSource: row.status_source,
    realUrl: row.url,
  };
}

type Db = Kysely<Database>;

/** Who may use a service, as an administrator sets it (the input's shape, schemas.ts AccessInput). */
export type AccessRule = { rule: 'everyone' } | { rule: 'restricted'; agencies: string[]; roles: ServiceRole[] };

export async function findService(db: Db, id: string) {
  const s = await db.selectFrom('service').selectAll().where('id', '=', id).executeTakeFirst();
  if (!s) throw new ApiError(404, 'NOT_FOUND', 'No such service.');
  return s;
}

export async function communityIdOf(db: Db, slug: string | null | undefined): Promise<string | null | undefined> {
  if (slug === undefined || slug === null) return slug;
  const c = await db.selectFrom('community').select('id').where('slug', '=', slug).executeTakeFirst();
  if (!c) throw new ApiError(422, 'UNKNOWN_COMMUNITY', 'Name an existing community.', { community: 'No such community' });
  return c.id;
}

/** Replaces a service's access rule: its agencies (named by ORI) and roles. */
export async function writeAccess(db: Db, serviceId: string, access: AccessRule) {
  await db.deleteFrom('service_access').where('service_id', '=', serviceId).execute();
  if (access.rule === 'everyone') return;
  const agencies = access.agencies.length ? await db.selectFrom('agency').select(['id', 'ori']).where('ori', 'in', access.agencies).execute() : [];
  const unknown = access.agencies.findIndex((ori) => !agencies.some((a) => a.ori === ori));
  if (unknown >= 0) throw new ApiError(422, 'UNKNOWN_AGENCY', 'Name agencies by their ORI.', { [`access.agencies.${unknown}`]: 'No agency has this ORI' });
  const rows = [...agencies.map((a) => ({ service_id: serviceId, kind: 'agency' as const, value: a.id })), ...access.roles.map((r) => ({ service_id: serviceId, kind: 'role' as const, value: r }))];
  if (rows.length) await db.insertInto('service_access').values(rows).execute();
}

/** An access request with its service, its user and the user's agency. */
export async function requestView(db: Db, id: string) {
  return requestShape(await requestList(db).where('access_request.id', '=', id).executeTakeFirstOrThrow());
}

type RequestRow = {
  id: string;
  service_id: string;
  user_id: string;
  note: string | null;
  state: 'pending' | 'granted' | 'denied';
  decision_note: string | null;
  created_at: string;
  decided_at: string | null;
  service_name: string;
  user_name: string;
  user_email: string;
  agency_name: string | null;
};
export const requestShape = (r: RequestRow) => ({
  id: r.id,
  service: { id: r.service_id, name: r.service_name },
  user: { id: r.user_id, name: r.user_name, email: r.user_email, agency: r.agency_name ?? null },
  note: r.note,
  state: r.state,
  decisionNote: r.decision_note,
  createdAt: r.created_at,
  decidedAt: r.decided_at,
});

export function requestList(db: Db) {
  return db
    .selectFrom('access_request')
    .innerJoin('service', 'service.id', 'access_request.service_id')
    .$call((q) => joinUserAgency(q, 'access_request.user_id'))
    .selectAll('access_request')
    .select(['service.name as service_name', 'user.name as user_name', 'user.email as user_email', 'agency.name as agency_name']);
}

