import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect.ts';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = dialectOf(db).kind === 'postgres';
  // Events get their delivery number (seq) apart from their row id. On PostgreSQL a writer
  // inserts its event with no number and one sequencer at a time numbers committed rows
  // (events/sequencer.ts), so numbers become visible in order without a lock in the writer.
  // On SQLite (one writer at a time) a trigger numbers each row as it is inserted.
  await db.schema.alterTable('event').addColumn('seq', postgres ? 'bigint' : 'integer').execute();
  await sql`update event set seq = id`.execute(db);
  await db.schema.createIndex('event_seq_idx').on('event').column('seq').unique().execute();
  if (postgres) {
    await sql`create index event_unsequenced_idx on event (id) where seq is null`.execute(db);
    // The last number handed out: numbers keep rising even when pruning empties the table.
    await db.schema.createTable('event_sequence').addColumn('last', 'bigint', (c) => c.notNull()).execute();
    await sql`insert into event_sequence (last) select coalesce(max(id), 0) from event`.execute(db);
  } else {
    await sql`create trigger event_number after insert on event when new.seq is null begin update event set seq = new.id where id = new.id; end`.execute(db);
  }
  // The audit outbox (PostgreSQL): a request's transaction inserts its entry here, unchained,
  // and one chainer at a time moves entries into the hash-chained audit_log in order (audit-outbox.ts).
  await db.schema
    .createTable('audit_outbox')
    .addColumn('id', postgres ? 'bigserial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('actor_agency_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
}
