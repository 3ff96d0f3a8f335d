import type { Caller } from './concurrency.ts';
import type { Reply } from './processes.ts';
import type { Fixtures, Made } from './route-builders.ts';

/*
 * For every state-changing route R of the OpenAPI document, the requests that
 * conflict with R on the same object, derived from the route table so a new
 * route gets them by default (the concurrency suite fires them at once with R):
 *
 * - the undoing of what R acts on, tried in this order: the deletion of R's
 *   own path (`DELETE <path>`, `POST <path>/archive` or `POST <path>/remove`
 *   in the document) or, for a DELETE, its opposite (the PUT or POST of the
 *   same path); the deletion of the object R acts on (`/topics/{id}` of
 *   `PUT /topics/{id}/pin`), then the other actions on that object
 *   (`POST <object>/<verb>` beside R's, as deny beside grant); then the
 *   deletion of each shorter prefix ending in a parameter, longest first
 *   (`/communities/{ref}` of `/communities/{ref}/members/{userId}`, whose
 *   deletion is its archive). The first one someone answers 2xx to on a fresh
 *   fixture, trying R's caller, the site admin, then the community owner;
 * - R itself sent by a second caller allowed to (the first of the others
 *   answered 2xx on a fresh fixture): two moderators, two admins, author and
 *   moderator at once.
 *
 * The suite's own accounts are never the object undone (removing or
 * suspending them would end the suite, not race R). A route with no undoing
 * whose second caller acts on an object of its own (the caller's profile) is
 * listed in NO_CONFLICT with the reason; the suite fails when a route has no
 * conflict and is not listed, or is listed and an undoing is found for it, so
 * the list stays explicit and small.
 */

export interface Conflict {
  /** The undoing route ("DELETE /api/v1/posts/{id}"), or R itself for a second caller. */
  route: string;
  as: Caller;
  /** For messages: "DELETE /api/v1/posts/{id} as admin". */
  label: string;
}

const accounts = (f: Fixtures) => new Set(Object.values(f.users).map((u) => u.id));

type Send = (f: Fixtures, who: Caller, method: string, url: string, body?: unknown) => Promise<Reply>;

const PREFIX = '/api/v1';
const isParam = (segment: string) => segment.startsWith('{');
const DELETIONS = ['archive', 'remove'];

/** "METHOD /api/v1/…" → its method and the template's segments (without /api/v1). */
function parse(route: string) {
  const [method, path] = route.split(' ') as [string, string];
  return { method, segments: path.slice(PREFIX.length).split('/').slice(1) };
}

/** The route templates that undo what `route` acts on, in the order they are tried, with R's url filled in. */
export function undoCandidates(route: string, routes: Set<string>, url: string, body: unknown, keep: Set<string> = new Set()): { route: string; url: string; body?: unknown }[] {
  if (!route.includes(` ${PREFIX}/`)) return [];
  const { method, segments } = parse(route);
  const actual = url.split('?')[0]!.split('/').slice(1);
  if (actual.length !== segments.length) return [];
  const fill = (n: number) => '/' + actual.slice(0, n).join('/');
  const template = (n: number) => PREFIX + '/' + segments.slice(0, n).join('/');
  const out: { route: string; url: string; body?: unknown }[] = [];
  const add = (candidate: string, candidateUrl: string, candidateBody?: unknown) => {
    if (candidate !== route && routes.has(candidate) && !out.some((o) => o.route === candidate)) out.push({ route: candidate, url: candidateUrl, body: candidateBody });
  };
  const deletions = (n: number) => {
    // The suite's own accounts are not removed or suspended: that would end the suite, not race R.
    if (n === 2 && keep.has(actual[1]!)) return;
    add(`DELETE ${template(n)}`, fill(n));
    for (const verb of DELETIONS) add(`POST ${template(n)}/${verb}`, `${fill(n)}/${verb}`, {});
  };
  // R's own path: its deletion, or a DELETE's opposite.
  if (isParam(segments[segments.length - 1]!) || method !== 'DELETE') deletions(segments.length);
  if (method === 'DELETE') {
    add(`PUT ${template(segments.length)}`, fill(segments.length), body);
    add(`POST ${template(segments.length)}`, fill(segments.length), body);
  }
  // The object R acts on (`/topics/{id}` of `/topics/{id}/pin`): its deletion, then the other actions on it.
  const last = segments.length - 1;
  if (last >= 1 && !isParam(segments[last]!) && isParam(segments[last - 1]!)) {
    deletions(last);
    const object = template(last);
    for (const other of [...routes].sort()) {
      const m = /^POST (.+)\/([a-z-]+)$/.exec(other);
      if (m && m[1] === object) add(other, `${fill(last)}/${m[2]}`, {});
    }
  }
  // Then what holds it, longest first (`/communities/{ref}` of `/communities/{ref}/members/{userId}`).
  for (let n = segments.length - 1; n >= 1; n--) if (isParam(segments[n - 1]!)) deletions(n);
  return out;
}

export interface Derived {
  undo?: Conflict;
  second?: Conflict;
  /** What was tried, for a failure message. */
  tried: string[];
}

/**
 * Finds the conflicts of `route` on fresh fixtures made by `build` (one for
 * the undoing, one for the second caller): a refusal changes nothing, so
 * candidates are tried one after another on the same fixture until one is
 * answered 2xx.
 */
export async function deriveConflicts(route: string, routes: Set<string>, f: Fixtures, build: () => Promise<Made>, send: Send): Promise<Derived> {
  const names = Object.entries(f.users) as [string, Caller][];
  const nameOf = (c: Caller) => names.find(([, u]) => u === c)?.[0] ?? '?';
  const { method } = parse(route);
  const tried: string[] = [];
  const derived: Derived = { tried };

  const made = await build();
  const candidates = undoCandidates(route, routes, made.url, made.body, accounts(f));
  if (candidates.length > 0) {
    const callers = [...new Set([made.as, f.users.admin, f.users.owner])];
    search: for (const c of candidates) {
      for (const who of callers) {
        const reply = await send(f, who, c.route.split(' ')[0]!, c.url, c.body);
        tried.push(`${c.route} as ${nameOf(who)}: ${reply.status}`);
        if (reply.status >= 200 && reply.status < 300) {
          derived.undo = { route: c.route, as: who, label: `${c.route} as ${nameOf(who)}` };
          break search;
        }
      }
    }
  }

  const again = await build();
  const peers = ['owner2', 'owner', 'admin2', 'admin', 'moderator', 'member2', 'member'] as const;
  for (const name of peers) {
    const who = f.users[name];
    if (who === again.as) continue;
    const reply = await send(f, who, again.method ?? method, again.url, again.body);
    tried.push(`${route} as ${name}: ${reply.status}`);
    if (reply.status >= 200 && reply.status < 300) {
      derived.second = { route, as: who, label: `${route} as ${name}` };
      break;
    }
  }
  return derived;
}

/**
 * The burst on a fresh fixture: R `n / 2` times by its caller and as many
 * conflicting requests, alternating the undoing and R by the second caller.
 */
export function conflictingBurst(route: string, routes: Set<string>, f: Fixtures, made: Made, derived: Derived, n: number) {
  const method = made.method ?? parse(route).method;
  const r = { as: made.as, method, url: made.url, body: made.body, label: 'R' };
  const others: (typeof r)[] = [];
  if (derived.undo) {
    const c = undoCandidates(route, routes, made.url, made.body, accounts(f)).find((x) => x.route === derived.undo!.route)!;
    others.push({ as: derived.undo.as, method: c.route.split(' ')[0]!, url: c.url, body: c.body, label: derived.undo.label });
  }
  if (derived.second) others.push({ ...r, as: derived.second.as, label: derived.second.label });
  return Array.from({ length: n }, (_, i) => (i % 2 === 0 || others.length === 0 ? r : others[Math.floor(i / 2) % others.length]!));
}

/**
 * Routes with no conflict on the same object, each with the reason: none has
 * an undoing in the route table, and a second caller sending R acts on an
 * object of its own. The suite fails when a route has no conflict derived and
 * is not listed here, or is listed and an undoing is found for it.
 */
export const NO_CONFLICT: Record<string, string> = {
  'POST /api/v1/notice/accept': 'the caller’s own acceptance of the notice: nothing undoes it, and another caller accepts for themselves',
  'PATCH /api/v1/me': 'the caller’s own profile: no route deletes it, and another caller’s PATCH /me changes their own',
  'PUT /api/v1/me/favorites': 'the caller’s own order of favourites: another caller orders their own (finding 4 races the same caller’s reorders)',
  'POST /api/v1/announcements': 'a creation with no unique key: a second caller’s makes another announcement, and its deletion needs the id only the answer gives',
  'POST /api/v1/federation/token-exchange':
    'no identity provider is reachable from these processes, so every exchange here is refused before it writes; its races (one token sent at once, two first sign-ins of one identity) are in federation.test.ts against a real provider',
  'POST /api/v1/federation/{id}/saml/acs':
    'the IdP’s signed answer to one pending request, taken once: nothing undoes it and no second caller can send it (it is bound to the browser that began it); its race (one response posted at once) is in federation-saml.test.ts against a real SAML IdP',
  'POST /api/v1/federation/{id}/saml/slo':
    'the IdP’s signed, one-time LogoutRequest: nothing undoes a logout (signing in again is a new session), and a second caller cannot forge the IdP’s signature; its replay (one request ID twice: refused) is in federation-saml-logout.test.ts against a real SAML IdP',
  'POST /api/v1/federation/{id}/backchannel-logout':
    'the IdP’s signed, one-time logout token: nothing undoes a logout (signing in again is a new session), and a second caller cannot forge the IdP’s signature; its replay (one jti twice: refused) is in federation-logout.test.ts against a real provider',
};
