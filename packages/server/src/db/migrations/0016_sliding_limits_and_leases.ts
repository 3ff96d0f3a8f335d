import { type Kysely } from 'kysely';
import { createIndex, createTable, ownedBy } from '../ddl.ts';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  // Rate limits as token buckets (one row a key, refilled continuously), replacing fixed
  // one-minute windows, which let about twice the limit through across a minute boundary.
  await db.schema.dropTable('rate_limit').execute();
  await createTable(db, 'rate_bucket', `
    key text primary key,
    // Tokens left at "at" (milliseconds since the epoch); fractional while refilling.
    tokens double precision not null,
    at bigint not null,
  `);
  await createIndex(db, 'rate_bucket_at_idx', 'rate_bucket', ['at']);
  // One row per open live-event stream, in whichever process holds it: the per-user limit
  // is counted here, across processes. A process that died stops moving its rows'
  // heartbeat_at, and they stop counting.
  await createTable(db, 'live_stream', `
    ${ownedBy('user')}
    process_id text not null,
    opened_at text not null,
    heartbeat_at text not null,
  `);
  await createIndex(db, 'live_stream_user_idx', 'live_stream', ['user_id', 'heartbeat_at']);
  // Who is deciding a sign-in step for an account right now (the password or code check,
  // the failure count and the lock, one decision at a time per account, across processes).
  await createTable(db, 'auth_lease', `
    user_id text primary key references user.id on delete cascade,
    holder text not null,
    expires_at text not null,
  `);
}
