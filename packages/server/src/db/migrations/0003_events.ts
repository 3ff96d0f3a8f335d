import { type Kysely } from 'kysely';
import { createIndex, createTable } from '../ddl.ts';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  // Live events: a monotonic id (SQLite AUTOINCREMENT never reuses one; on
  // PostgreSQL writers take an advisory lock so ids also commit in order).
  await createTable(db, 'event', `
    id serial,
    type text not null,
    community_id text,
    user_id text,
    content integer not null default 0,
    payload text not null,
    created_at text not null,
  `);
  await createIndex(db, 'event_created_idx', 'event', ['created_at']);
}
