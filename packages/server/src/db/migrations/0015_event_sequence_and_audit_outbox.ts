import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect.ts';
import { addColumn, createIndex, createTable } from '../ddl.ts';
import { AUDIT_ENTRY } from './0008_audit_log.ts';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = dialectOf(db).kind === 'postgres';
  // Events get their delivery number (seq) apart from their row id. On PostgreSQL a writer
  // inserts its event with no number and one sequencer at a time numbers committed rows
  // (events/sequencer.ts), so numbers become visible in order without a lock in the writer.
  // On SQLite (one writer at a time) a trigger numbers each row as it is inserted.
  await addColumn(db, 'event', 'seq', postgres ? 'bigint' : 'integer');
  await sql`update event set seq = id`.execute(db);
  await createIndex(db, 'event_seq_idx', 'event', ['seq'], { unique: true });
  if (postgres) {
    await sql`create index event_unsequenced_idx on event (id) where seq is null`.execute(db);
    // The last number handed out: numbers keep rising even when pruning empties the table.
    await createTable(db, 'event_sequence', 'last bigint not null');
    await sql`insert into event_sequence (last) select coalesce(max(id), 0) from event`.execute(db);
  } else {
    await sql`create trigger event_number after insert on event when new.seq is null begin update event set seq = new.id where id = new.id; end`.execute(db);
  }
  // The audit outbox (PostgreSQL): a request's transaction inserts its entry here, unchained,
  // and one chainer at a time moves entries into the hash-chained audit_log in order (audit-outbox.ts).
  await createTable(db, 'audit_outbox', `
    id serial,
    ${AUDIT_ENTRY}
  `);
}
