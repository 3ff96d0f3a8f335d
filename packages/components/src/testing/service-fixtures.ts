import type { Me } from '../api/schemas.js';
import type { AccessRequest, Announcement, MaintenanceWindow, Service } from '../api/service-schemas.js';
import { neverAnswered } from './fixture-requests.js';

/**
 * Recorded answers of the service directory and announcements API, so
 * Storybook previews `jc-service-directory` and `jc-announcements` offline.
 * Shapes are the server's (`GET /api/v1/services`, `GET /api/v1/announcements`);
 * times are relative to now.
 */

export interface ServiceFixtureOptions {
  /** The directory as the signed-in user sees it (default: `fixtureServices()`, Sgt. Dana Reyes's). */
  services?: Service[];
  /** Reading the directory fails with a server error. */
  servicesFail?: boolean;
  /** Reading the directory never answers (to show the loading state). */
  servicesPending?: boolean;
  /** The announcements showing now (default: `fixtureAnnouncements()`). */
  announcements?: FixtureAnnouncement[];
  /** Reading announcements fails with a server error. */
  announcementsFail?: boolean;
  /** Reading announcements never answers. */
  announcementsPending?: boolean;
}

/** An announcement, and whether only signed-in users (of some agency) see it. */
export interface FixtureAnnouncement extends Announcement {
  signedInOnly?: boolean;
}

const HOUR = 3600_000;
const at = (ms: number) => new Date(Date.now() + ms).toISOString();
const windowFrom = (id: string, startHours: number, hours: number, message: string): MaintenanceWindow => ({
  id,
  startsAt: at(startHours * HOUR),
  endsAt: at((startHours + hours) * HOUR),
  message,
});

function service(id: string, name: string, icon: Service['icon'], description: string, extra: Partial<Service> = {}): Service {
  return {
    id,
    name,
    icon,
    description,
    url: `https://${id}.demo.example/`,
    hasAccess: true,
    accessInstructions: '',
    accessRequest: null,
    community: null,
    status: 'operational',
    statusMessage: null,
    statusUpdatedAt: at(-24 * HOUR),
    maintenance: { current: null, planned: [] },
    favorite: null,
    ...extra,
  };
}

const noAccess = (extra: Partial<Service> = {}): Partial<Service> => ({ url: null, hasAccess: false, ...extra });

/** Dana's directory: every status icon (maintenance now and planned, degraded, outage, community links, no access, a pending request, extra requirements), two favourites. */
export function fixtureServices(): Service[] {
  return [
    service('n-dex', 'N-DEx', 'database', 'National Data Exchange: search incident, arrest and booking records shared by agencies nationwide.', {
      status: 'maintenance',
      statusMessage: 'Quarterly database maintenance: searches are unavailable.',
      maintenance: { current: windowFrom('mnt_ndex', -0.5, 3.5, 'Quarterly database maintenance: searches are unavailable.'), planned: [] },
      favorite: { position: 0 },
    }),
    service('use-of-force', 'National Use of Force Data Collection', 'chart', 'Submit and review use-of-force incident data for your agency.', {
      maintenance: { current: null, planned: [windowFrom('mnt_uof', 72, 4, 'Planned upgrade: submissions paused for four hours.')] },
      favorite: { position: 1 },
    }),
    service('vicap', 'ViCAP', 'fingerprint', 'Violent Criminal Apprehension Program: link violent crimes across jurisdictions.', {
      ...noAccess(),
      accessInstructions: 'ViCAP access is granted per agency. Ask your agency administrator, or request access here and a site administrator will review it.',
    }),
    service('justiceconnect', 'JusticeConnect', 'users', 'Communities of interest, forums, files and activities across agencies.', {
      community: { slug: 'highway-interdiction', name: 'Texas Highway Interdiction' },
    }),
    service('gang-intel', 'National Gang Intelligence Center', 'shield', 'Gang intelligence products and analyst support.', {
      community: { slug: 'gang-intelligence-exchange', name: 'Gang Intelligence Exchange' },
    }),
    service('vcc', 'Virtual Command Center', 'map', 'Shared situational awareness for special events and critical incidents.', {
      status: 'degraded',
      statusMessage: 'Map layers load slowly; incident boards work normally.',
    }),
    service('cjis-training', 'CJIS Security Awareness Training', 'book', 'Annual security awareness training required for CJIS access.', {
      status: 'major-outage',
      statusMessage: 'The training site is down. Deadlines are extended by one week.',
      accessInstructions: 'Your agency’s terminal agency coordinator must enrol you first.',
    }),
    service('riss', 'RISSNET', 'globe', 'Regional Information Sharing Systems: investigative databases and analytical services.', {
      ...noAccess({ accessRequest: { id: 'acr_riss', state: 'pending', createdAt: at(-2 * HOUR) } }),
      accessInstructions: 'RISS membership is by agency. A site administrator forwards your request to your regional center.',
    }),
    service('eguardian', 'eGuardian', 'alert', 'Report and share suspicious activity with the Joint Terrorism Task Forces.', {
      status: 'partial-outage',
      statusMessage: 'Attachments cannot be uploaded right now.',
    }),
    service('leo-mail', 'LEO Secure Mail', 'message', 'Encrypted email between law enforcement agencies.'),
  ];
}

/** A user of a small agency: most services locked (one request pending, one denied), nothing in My Services. */
export function fixtureServicesWithoutAccess(): Service[] {
  const open = new Set(['justiceconnect', 'leo-mail']);
  return fixtureServices().map((s) => {
    const base = { ...s, favorite: null };
    if (open.has(s.id)) return base;
    const accessRequest = s.id === 'vicap' ? { id: 'acr_vicap', state: 'denied' as const, createdAt: at(-48 * HOUR) } : s.accessRequest;
    return { ...base, ...noAccess({ accessRequest }), accessInstructions: s.accessInstructions || 'Ask your agency administrator, or request access here and a site administrator will review it.' };
  });
}

/** One of each severity for everyone (as in the seed), and one for the reader's agency only. */
export function fixtureAnnouncements(): FixtureAnnouncement[] {
  const everyone = { kind: 'everyone' as const };
  const a = (id: string, severity: Announcement['severity'], title: string, body: string, extra: Partial<FixtureAnnouncement> = {}): FixtureAnnouncement => ({
    id,
    severity,
    title,
    body,
    startsAt: at(-HOUR),
    endsAt: at(30 * 24 * HOUR),
    dismissible: severity !== 'emergency',
    audience: everyone,
    ...extra,
  });
  return [
    a('ann_emergency', 'emergency', 'Severe weather along I-35', 'Tornado warnings from Waco to Oklahoma City until 2200. Follow your agency’s severe weather procedures.'),
    a('ann_error', 'error', 'ViCAP uploads delayed', 'Case uploads are queued and will finish within the hour.'),
    a('ann_warning', 'warning', 'Passwords expire every 90 days', 'Change yours before it expires to avoid a help-desk reset.'),
    a('ann_information', 'information', 'New JusticeConnect training', 'A 20-minute video on communities and activities is in Member Support.'),
    a('ann_agency', 'information', 'Texas DPS: new radio channel plan', 'The corridor channel plan changes on Monday. Details are on the intranet.', {
      audience: { kind: 'agencies', agencies: ['TXDPS0000'] },
      signedInOnly: true,
    }),
    a('ann_success', 'success', 'N-DEx search is faster', 'Searches now return in under two seconds for most queries.'),
  ];
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const fail = (status: number, code: string, message: string) => json(status, { error: { code, message } });
const never = neverAnswered;

/** Favourites first, in their order; then the rest in the portal's order. */
function ordered(services: Service[]): Service[] {
  const favs = services.filter((s) => s.favorite).sort((a, b) => a.favorite!.position - b.favorite!.position);
  return [...favs, ...services.filter((s) => !s.favorite)];
}

/**
 * The service and announcement routes, answered from memory by the server's
 * rules (simplified). Returns null for any other path.
 */
export function serviceFixtureServer(options: ServiceFixtureOptions) {
  let services = ordered(structuredClone(options.services ?? fixtureServices()));
  const announcements = structuredClone(options.announcements ?? fixtureAnnouncements());
  const dismissed = new Set<string>();
  const requests: AccessRequest[] = [];
  const directory = () => json(200, { items: (services = ordered(services)) });
  const favorites = () => services.filter((s) => s.favorite).sort((a, b) => a.favorite!.position - b.favorite!.position);

  return (me: Me | null, method: string, url: URL, body: Record<string, unknown>): Promise<Response> | Response | null => {
    const path = url.pathname;
    if (path === '/api/v1/announcements' || path.startsWith('/api/v1/announcements/')) {
      if (method === 'GET' && path === '/api/v1/announcements') {
        if (options.announcementsPending) return never();
        if (options.announcementsFail) return fail(500, 'INTERNAL', 'Something went wrong on the server.');
        const active = me?.status === 'active' ? me : null;
        return json(200, { items: announcements.filter((a) => (active !== null || !a.signedInOnly) && (a.severity === 'emergency' || !dismissed.has(a.id))) });
      }
      const id = decodeURIComponent(path.split('/')[4] ?? '');
      if (method === 'POST' && path.endsWith('/dismiss')) {
        if (!me) return fail(401, 'UNAUTHENTICATED', 'Sign in to use this.');
        const found = announcements.find((a) => a.id === id);
        if (!found) return fail(404, 'NOT_FOUND', 'No such announcement.');
        if (found.severity === 'emergency') return fail(409, 'NOT_DISMISSIBLE', 'Emergency announcements stay until they end.');
        dismissed.add(id);
        return json(200, { ok: true });
      }
      return null;
    }
    const isServices = path === '/api/v1/services' || path.startsWith('/api/v1/services/') || path === '/api/v1/me/favorites' || path === '/api/v1/me/access-requests';
    if (!isServices) return null;
    if (!me) return fail(401, 'UNAUTHENTICATED', 'Sign in to use this.');
    if (me.status === 'pending') return fail(403, 'ACCOUNT_PENDING', 'Your account is waiting for your agency administrator’s approval.');
    if (options.servicesPending) return never();
    if (options.servicesFail) return fail(500, 'INTERNAL', 'Something went wrong on the server.');
    if (method === 'GET' && path === '/api/v1/services') return directory();
    if (method === 'GET' && path === '/api/v1/me/access-requests') return json(200, { items: requests });
    if (method === 'PUT' && path === '/api/v1/me/favorites') {
      const ids = [...new Set(body.serviceIds as string[])];
      services = services.map((s) => ({ ...s, favorite: ids.includes(s.id) ? { position: ids.indexOf(s.id) } : null }));
      return directory();
    }
    const [, , , , id, action] = path.split('/').map(decodeURIComponent);
    const found = services.find((s) => s.id === id);
    if (!found) return fail(404, 'NOT_FOUND', 'No such service.');
    if (method === 'GET' && !action) return json(200, found);
    if (action === 'favorite' && (method === 'PUT' || method === 'DELETE')) {
      const last = favorites().length;
      services = services.map((s) => (s.id !== id ? s : { ...s, favorite: method === 'DELETE' ? null : (s.favorite ?? { position: last }) }));
      return directory();
    }
    if (action === 'access-requests' && method === 'POST') {
      if (found.hasAccess) return fail(409, 'ALREADY_HAS_ACCESS', 'You already have access to this service.');
      if (found.accessRequest?.state === 'pending') return fail(409, 'ALREADY_REQUESTED', 'Your request is waiting for an administrator.');
      const request: AccessRequest = {
        id: `acr_${Date.now().toString(36)}`,
        service: { id: found.id, name: found.name },
        user: { id: me.id, name: me.name, email: me.email, agency: me.agency?.name ?? null },
        note: typeof body.note === 'string' ? body.note : null,
        state: 'pending',
        decisionNote: null,
        createdAt: new Date().toISOString(),
        decidedAt: null,
      };
      requests.unshift(request);
      services = services.map((s) => (s.id === id ? { ...s, accessRequest: { id: request.id, state: 'pending', createdAt: request.createdAt } } : s));
      return json(201, request);
    }
    return fail(404, 'NOT_FOUND', `No fixture for ${method} ${path}`);
  };
}
