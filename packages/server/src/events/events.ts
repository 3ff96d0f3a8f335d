import type { Kysely } from 'kysely';
import { noteOrderedWrite } from '../audit-outbox.ts';
import { dialectOf } from '../db/dialect.ts';
import { clockOf, now } from '../db/database.ts';
import { every } from '../clock.ts';
import type { Database } from '../db/schema.ts';

/** Every kind of live event, and whether it is about the community itself or its content. */
export const EVENT_TYPES = {
  'community.updated': 'community',
  'membership.changed': 'community',
  'user.status': 'user',
  'session.revoked': 'user',
} as const;
export type EventType = keyof typeof EVENT_TYPES | `${string}.${string}`;

export interface NewEvent {
  type: EventType;
  communityId?: string | null;
  userId?: string | null;
  /** Content events (posts, replies, steps) reach only those who may read inside the community. */
  content?: boolean;
  payload: Record<string, unknown>;
}

export interface StoredEvent {
  id: number;
  type: string;
  communityId: string | null;
  userId: string | null;
  content: boolean;
  payload: Record<string, unknown>;
  createdAt: string;
}

export const NOTIFY_CHANNEL = 'jc_events';

/**
 * Stores an event in the caller's transaction, so it exists exactly when the
 * change it describes does, taking no lock. Its delivery number (`seq`, the
 * id streams see) is what keeps replay in commit order: on SQLite a trigger
 * gives it at insert (one writer at a time); on PostgreSQL the sequencer
 * numbers it once committed (sequencer.ts), right after the request, and
 * `pg_notify` from that round wakes every server process.
 */
export async function recordEvent(trx: Kysely<Database>, event: NewEvent): Promise<void> {
  await trx
    .insertInto('event')
    .values({
      type: event.type,
      community_id: event.communityId ?? null,
      user_id: event.userId ?? null,
      content: event.content ? 1 : 0,
      payload: JSON.stringify(event.payload),
      created_at: now(trx),
    })
    .execute();
  if (dialectOf(trx).ordersAfterCommit) noteOrderedWrite();
}

type EventRow = { seq: number | string | null; type: string; community_id: string | null; user_id: string | null; content: number; payload: string; created_at: string };

export function toStored(row: EventRow): StoredEvent {
  return {
    id: Number(row.seq),
    type: row.type,
    communityId: row.community_id,
    userId: row.user_id,
    content: Boolean(row.content),
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    createdAt: row.created_at,
  };
}

export async function eventsAfter(db: Kysely<Database>, after: number, limit = 500): Promise<StoredEvent[]> {
  const rows = await db.selectFrom('event').selectAll().where('seq', '>', after).orderBy('seq').limit(limit).execute();
  return rows.map(toStored);
}

export async function lastEventId(db: Kysely<Database>): Promise<number> {
  const r = await db.selectFrom('event').select((eb) => eb.fn.max('seq').as('max')).executeTakeFirst();
  return Number(r?.max ?? 0);
}

export async function firstEventId(db: Kysely<Database>): Promise<number | null> {
  const r = await db.selectFrom('event').select((eb) => eb.fn.min('seq').as('min')).executeTakeFirst();
  return r?.min == null ? null : Number(r.min);
}

/** Drops events older than the retention window (by the handle's clock), now and every hour; returns what stops it. */
export function startPruning(db: Kysely<Database>, hours: number): () => void {
  const clock = clockOf(db);
  const prune = () =>
    db
      .deleteFrom('event')
      .where('created_at', '<', new Date(clock.now().getTime() - hours * 3600_000).toISOString())
      .execute()
      .catch(() => {});
  void prune();
  return every(clock, 3600_000, () => void prune(), { unref: true });
}
