import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect.ts';
import { createIndex, createTable } from '../ddl.ts';

/** What an audit entry records (migration 0015's outbox holds the same, before an entry is chained). */
export const AUDIT_ENTRY = `
  at text not null,
  actor_id text,
  actor_agency_id text,
  action text not null,
  target text,
  outcome text not null,
  ip text,
  user_agent text,
  details text not null default '{}',
`;

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = dialectOf(db).kind === 'postgres';
  // The audit log: append-only (the database itself refuses updates and deletes) and hash-chained.
  await createTable(db, 'audit_log', `
    seq serial,
    ${AUDIT_ENTRY}
    prev_hash text not null,
    hash text not null,
  `);
  await createIndex(db, 'audit_log_agency_idx', 'audit_log', ['actor_agency_id', 'seq']);
  if (postgres) {
    await sql`create function audit_log_append_only() returns trigger language plpgsql as $$ begin raise exception 'the audit log is append-only'; end $$`.execute(db);
    await sql`create trigger audit_log_no_change before update or delete on audit_log for each row execute function audit_log_append_only()`.execute(db);
    await sql`create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function audit_log_append_only()`.execute(db);
  } else {
    await sql`create trigger audit_log_no_update before update on audit_log begin select raise(abort, 'the audit log is append-only'); end`.execute(db);
    await sql`create trigger audit_log_no_delete before delete on audit_log begin select raise(abort, 'the audit log is append-only'); end`.execute(db);
  }
}
