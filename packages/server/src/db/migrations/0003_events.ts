import { type Kysely } from 'kysely';
import { dialectOf } from '../dialect.ts';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = dialectOf(db).kind === 'postgres';
  // Live events: a monotonic id (SQLite AUTOINCREMENT never reuses one; on
  // PostgreSQL writers take an advisory lock so ids also commit in order).
  await db.schema
    .createTable('event')
    .addColumn('id', postgres ? 'bigserial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('community_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('content', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_created_idx').on('event').column('created_at').execute();
}
