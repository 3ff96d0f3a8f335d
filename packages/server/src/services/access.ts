import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import { readableCommunityIds, type Actor } from '../authz.ts';
import type { Database } from '../db/schema.ts';
import { emit, type AppEnv } from '../http/context.ts';
import { adminView, serviceViews } from './queries.ts';

/*
 * The service directory's request-facing helpers: the directory as the
 * caller sees it now (the request's clock), and what a change tells live
 * subscribers.
 */

type Db = Kysely<Database>;

/** The directory as the actor sees it (one service: `onlyId`). */
export async function directory(c: Context<AppEnv>, actor: Actor, db: Db = c.get('services').db.kysely, onlyId?: string) {
  const readable = await readableCommunityIds(db, actor);
  return serviceViews(db, actor, c.get('services').clock.now(), readable, onlyId);
}

/** A service as its administrators see it. */
export async function admin(c: Context<AppEnv>, actor: Actor, db: Db, id: string) {
  return adminView(db, actor, c.get('services').clock.now(), await readableCommunityIds(db, actor), id);
}

export const changed = (c: Context<AppEnv>, trx: Db, serviceId: string, reason: string) => emit(c, trx, { type: 'service.changed', payload: { serviceId, reason } });
