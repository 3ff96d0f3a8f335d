import { type Kysely } from 'kysely';
import { dialectOf } from '../dialect.ts';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = dialectOf(db).kind === 'postgres';
  // Locked after too many failed sign-ins, until an administrator unlocks it.
  await db.schema.alterTable('profile').addColumn('locked_at', 'text').execute();
  await db.schema
    .createTable('auth_failure')
    .addColumn('id', postgres ? 'bigserial' : 'integer', (c) => (postgres ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('user_id', 'text', (c) => c.notNull().references('user.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('auth_failure_user_idx').on('auth_failure').columns(['user_id', 'at']).execute();
  // Fixed-window counters shared by every server process.
  await db.schema
    .createTable('rate_limit')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('window_start', 'integer', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_limit_pk', ['key', 'window_start'])
    .execute();
  await db.schema
    .createTable('notice_acceptance')
    .addColumn('user_id', 'text', (c) => c.notNull().references('user.id').onDelete('cascade'))
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addPrimaryKeyConstraint('notice_acceptance_pk', ['user_id', 'version'])
    .execute();
  // When each session was last used (idle sessions end), and which system-use notice it accepted.
  await db.schema
    .createTable('session_activity')
    .addColumn('session_id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('notice_version', 'text')
    .execute();
  // One-time codes already used: a TOTP code works once.
  await db.schema
    .createTable('totp_used')
    .addColumn('user_id', 'text', (c) => c.notNull().references('user.id').onDelete('cascade'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('totp_used_pk', ['user_id', 'code'])
    .execute();
}
