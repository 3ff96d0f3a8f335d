import { type Kysely } from 'kysely';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  // Rate limits as token buckets (one row a key, refilled continuously), replacing fixed
  // one-minute windows, which let about twice the limit through across a minute boundary.
  await db.schema.dropTable('rate_limit').execute();
  await db.schema
    .createTable('rate_bucket')
    .addColumn('key', 'text', (c) => c.primaryKey())
    // Tokens left at `at` (milliseconds since the epoch); fractional while refilling.
    .addColumn('tokens', 'double precision', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_bucket_at_idx').on('rate_bucket').column('at').execute();
  // One row per open live-event stream, in whichever process holds it: the per-user limit
  // is counted here, across processes. A process that died stops moving its rows'
  // heartbeat_at, and they stop counting.
  await db.schema
    .createTable('live_stream')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('user.id').onDelete('cascade'))
    .addColumn('process_id', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('heartbeat_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('live_stream_user_idx').on('live_stream').columns(['user_id', 'heartbeat_at']).execute();
  // Who is deciding a sign-in step for an account right now (the password or code check,
  // the failure count and the lock, one decision at a time per account, across processes).
  await db.schema
    .createTable('auth_lease')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('user.id').onDelete('cascade'))
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
}
