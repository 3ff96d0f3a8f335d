import type { Context } from 'hono';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Auth } from '../auth.ts';
import type { ServerConfig } from '../config.ts';
import type { Db } from '../db/database.ts';
import { ApiError } from './errors.ts';
import type { EventBus } from '../events/bus.ts';
import { recordEvent, type NewEvent } from '../events/events.ts';
import type { EventHub } from '../events/hub.ts';
import type { Clock } from '../clock.ts';
import type { Scheduler } from '../schedule.ts';

export interface SessionUser {
  id: string;
  name: string;
  email: string;
}

export interface Services {
  config: ServerConfig;
  db: Db;
  auth: Auth;
  events: { hub: EventHub; bus: EventBus };
  clock: Clock;
  schedule: Scheduler;
}

export interface AppEnv {
  Variables: {
    services: Services;
    user: SessionUser | null;
    sessionId: string | null;
    eventsWritten: boolean;
  };
}

/** The signed-in user (resolved once per request from the cookie or bearer token), or null. */
export async function currentUser(c: Context<AppEnv>): Promise<SessionUser | null> {
  const known = c.get('user');
  if (known !== undefined) return known;
  const { auth } = c.get('services');
  const session = await auth.api.getSession({ headers: c.req.raw.headers });
  const user = session ? { id: session.user.id, name: session.user.name, email: session.user.email } : null;
  c.set('user', user);
  c.set('sessionId', session?.session.id ?? null);
  return user;
}

/** The signed-in user, or a 401 in the shared error shape. */
export async function requireUser(c: Context<AppEnv>): Promise<SessionUser> {
  const user = await currentUser(c);
  if (!user) throw new ApiError(401, 'UNAUTHENTICATED', 'Sign in to use this.');
  return user;
}

/**
 * Runs `work` in one database transaction for a signed-in request. The
 * session is resolved first, outside the transaction: on SQLite there is one
 * connection, and a session lookup inside the transaction would wait on it forever.
 */
export async function inTransaction<T>(c: Context<AppEnv>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  await requireUser(c);
  const { db, events } = c.get('services');
  const result = await db.kysely.transaction().execute(work);
  // Live events recorded in the transaction exist now: wake this process's hub
  // (other processes hear of them through the bus).
  if (c.get('eventsWritten')) events.bus.notify();
  return result;
}

/** Records a live event in the request's transaction; subscribers get it once the transaction commits. */
export async function emit(c: Context<AppEnv>, trx: Kysely<Database>, event: NewEvent): Promise<void> {
  await recordEvent(trx, c.get('services').db.kind, event);
  c.set('eventsWritten', true);
}
