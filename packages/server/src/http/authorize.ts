import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import { administerPortal, decide, gate, loadAccess, loadAccessByRef, loadActor, NOT_FOUND, portalGate, type Access, type Action, type Actor, type Decision } from '../authz.ts';
import type { Database } from '../db/schema.ts';
import { requireUser, type AppEnv } from './context.ts';
import { ApiError } from './errors.ts';

/*
 * The authorization function as routes call it: the request's actor, the
 * rule of authz.ts (which knows no request), and its decision as the shared
 * HTTP error. Every object route resolves its object to its community id and
 * asks `authorize`; a community the request names goes through
 * `authorizeRef`, the one place a slug is resolved.
 */

/**
 * The signed-in actor's account state: as read with the session for a read,
 * or again inside the transaction `db` of a write (so a write sees the
 * account as it is when the write commits).
 */
async function requestActor(c: Context<AppEnv>, db?: Kysely<Database>): Promise<Actor> {
  const user = await requireUser(c);
  const withSession = c.get('actor');
  return !db && withSession ? withSession : loadActor(db ?? c.get('services').db.kysely, user.id);
}

/**
 * For a route: the signed-in actor may do `action` on the community with id
 * `communityId` (an object's `community_id`; never a slug: see
 * `authorizeRef`), or this throws the shared error (401, 403 with a code, or
 * 404 — a restricted community an outsider asks for is simply not found).
 */
export async function authorize(c: Context<AppEnv>, communityId: string, action: Action, db?: Kysely<Database>): Promise<Access> {
  const actor = await gatedActor(c, db);
  return decideFor(db ?? c.get('services').db.kysely, actor, communityId, action);
}

/**
 * `authorize` for a community the request names (a path's `{ref}`, or a
 * `parent`/`copyFrom` field): its id or its slug, resolved once, here.
 */
export async function authorizeRef(c: Context<AppEnv>, ref: string, action: Action, db?: Kysely<Database>): Promise<Access> {
  const actor = await gatedActor(c, db);
  // The slug (or id) and the access in one query a level (authz.ts loadAccessByRef).
  return decided(await loadAccessByRef(db ?? c.get('services').db.kysely, actor, ref), action);
}

/** The request's actor, past the account gate (its own state answers first, on every community route). */
async function gatedActor(c: Context<AppEnv>, db?: Kysely<Database>): Promise<Actor> {
  const actor = await requestActor(c, db);
  const g = gate(actor);
  if (g.allow === false) throw new ApiError(g.status, g.code, g.message);
  return actor;
}

async function decideFor(db: Kysely<Database>, actor: Actor, communityId: string, action: Action): Promise<Access> {
  return decided(await loadAccess(db, actor, communityId), action);
}

function decided(access: Access | null, action: Action): Access {
  if (!access) throw new ApiError(404, NOT_FOUND.code, NOT_FOUND.message);
  const decision = decide(access, action);
  if (decision.allow === false) throw new ApiError(decision.status, decision.code, decision.message);
  return access;
}

/** A policy's decision (policy.ts) as the route's answer: nothing when allowed, the shared error otherwise. */
export function allow(decision: Decision): void {
  if (decision.allow === false) throw new ApiError(decision.status, decision.code, decision.message);
}

/**
 * The one authorization of an object route (a topic, reply, post, activity,
 * step, flag, file): the account's gate first, as on every community route;
 * then `find` reads the object (in `db`, so a write's lock holds: db/locks.ts)
 * and its `community_id` is asked of the authorization function. An object
 * that does not exist and one whose community's inside the actor may not read
 * get the same 404 (`notFound` says what is missing); past that, `action`'s
 * answer (403 or 409 with a code) stands. `db`: a write's transaction (the
 * actor is read again in it); a read leaves it out.
 */
export async function authorizeObject<T extends { community_id: string }>(
  c: Context<AppEnv>,
  find: (db: Kysely<Database>, actor: Actor) => Promise<T | undefined>,
  action: Action,
  options: { db?: Kysely<Database>; notFound: string },
): Promise<{ object: T; access: Access }> {
  const kysely = options.db ?? c.get('services').db.kysely;
  const actor = await gatedActor(c, options.db);
  const object = await find(kysely, actor);
  const access = object ? await loadAccess(kysely, actor, object.community_id) : null;
  if (!object || !access || decide(access, 'content.read').allow === false) throw new ApiError(404, 'NOT_FOUND', options.notFound);
  if (action !== 'content.read') allow(decide(access, action));
  return { object, access };
}

/** The gate alone, for endpoints that are not about one community (lists, create). */
export async function requireCommunityUser(c: Context<AppEnv>, db?: Kysely<Database>): Promise<Actor> {
  return gatedActor(c, db);
}

/** The signed-in user's account as the portal's own pages judge it (read again in a write's transaction `db`). */
async function portalActor(c: Context<AppEnv>, db?: Kysely<Database>): Promise<Actor> {
  const user = await requireUser(c);
  return loadActor(db ?? c.get('services').db.kysely, user.id);
}

/** An active account (vetted; JusticeConnect's opt-in is not needed for the portal's own pages: authz.ts portalGate). */
export async function requireActiveUser(c: Context<AppEnv>, db?: Kysely<Database>): Promise<Actor> {
  const actor = await portalActor(c, db);
  allow(portalGate(actor));
  return actor;
}

/** An active site administrator (authz.ts administerPortal). */
export async function requireSiteAdmin(c: Context<AppEnv>, db?: Kysely<Database>): Promise<Actor> {
  const actor = await portalActor(c, db);
  allow(administerPortal(actor));
  return actor;
}
