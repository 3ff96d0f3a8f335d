import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import { getMigrations } from 'better-auth/db/migration';
import type { BetterAuthOptions } from 'better-auth';
import type { Db } from './database.ts';
import * as m0001 from './migrations/0001_agencies_and_profiles.ts';
import * as m0002 from './migrations/0002_vetting_and_communities.ts';
import * as m0003 from './migrations/0003_events.ts';
import * as m0004 from './migrations/0004_feed.ts';
import * as m0005 from './migrations/0005_forums.ts';
import * as m0006 from './migrations/0006_activities.ts';
import * as m0007 from './migrations/0007_services_and_announcements.ts';
import * as m0008 from './migrations/0008_audit_log.ts';
import * as m0009 from './migrations/0009_sign_in_controls.ts';
import * as m0010 from './migrations/0010_per_user_indexes.ts';
import * as m0011 from './migrations/0011_attachment_lifecycle.ts';
import * as m0012 from './migrations/0012_slugs_unlike_ids.ts';
import * as m0013 from './migrations/0013_post_attachment_index.ts';
import * as m0014 from './migrations/0014_session_second_factor.ts';
import * as m0015 from './migrations/0015_event_sequence_and_audit_outbox.ts';
import * as m0016 from './migrations/0016_sliding_limits_and_leases.ts';
import * as m0017 from './migrations/0017_identity_providers.ts';
import * as m0018 from './migrations/0018_federated_sessions.ts';
import * as m0019 from './migrations/0019_saml_providers.ts';
import * as m0020 from './migrations/0020_federation_popup.ts';
import * as m0021 from './migrations/0021_saml_name_ids.ts';
import * as m0022 from './migrations/0022_file_chunks.ts';
import * as m0023 from './migrations/0023_event_version_index.ts';
import { log } from '../logger.ts';

/**
 * JusticeConnect's own migrations: one list for SQLite and PostgreSQL. Each
 * migration is written with Kysely's schema builder in portable types (text
 * ids and ISO timestamps, integer booleans), so there is one history for both.
 * They run after better-auth's tables exist, so they may reference `user`.
 * One file a migration, under db/migrations/; one that differs between the
 * databases asks its Kysely handle which dialect it speaks.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001_agencies_and_profiles': m0001,
  '0002_vetting_and_communities': m0002,
  '0003_events': m0003,
  '0004_feed': m0004,
  '0005_forums': m0005,
  '0006_activities': m0006,
  '0007_services_and_announcements': m0007,
  '0008_audit_log': m0008,
  '0009_sign_in_controls': m0009,
  '0010_per_user_indexes': m0010,
  '0011_attachment_lifecycle': m0011,
  '0012_slugs_unlike_ids': m0012,
  '0013_post_attachment_index': m0013,
  '0014_session_second_factor': m0014,
  '0015_event_sequence_and_audit_outbox': m0015,
  '0016_sliding_limits_and_leases': m0016,
  '0017_identity_providers': m0017,
  '0018_federated_sessions': m0018,
  '0019_saml_providers': m0019,
  '0020_federation_popup': m0020,
  '0021_saml_name_ids': m0021,
  '0022_file_chunks': m0022,
  '0023_event_version_index': m0023,
};

/**
 * Takes SQLite's write lock (`begin immediate`), waiting for another
 * connection that holds it without blocking the thread: better-sqlite3's
 * busy_timeout would block, and a second app in the same process (tests) could
 * then never let go of the lock it waits for.
 */
async function beginImmediateWaiting(db: Db, waitMs = 60_000): Promise<void> {
  const current = await sql<{ timeout: number }>`pragma busy_timeout`.execute(db.kysely);
  const timeout = Number(current.rows[0]?.timeout ?? 0);
  await sql.raw('pragma busy_timeout = 0').execute(db.kysely);
  try {
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        await sql`begin immediate`.execute(db.kysely);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  } finally {
    await sql.raw(`pragma busy_timeout = ${timeout}`).execute(db.kysely);
  }
}

/** A number every JusticeConnect process agrees on, so only one migrates at a time. */
const MIGRATION_LOCK_KEY = 0x4a43_4d47; // "JCMG"

/**
 * Brings the database up to date: better-auth's tables (through its
 * programmatic `getMigrations`, since its CLI needs Node 22), then ours.
 * Several processes starting at once never race: on PostgreSQL an advisory
 * lock, on SQLite one immediate transaction, lets one migrate at a time.
 */
export async function migrate(db: Db, authOptions: BetterAuthOptions): Promise<void> {
  const run = async () => {
    const auth = await getMigrations(authOptions);
    await auth.runMigrations();
    const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };
    const migrator = new Migrator({ db: db.kysely, provider });
    const { error, results } = await migrator.migrateToLatest();
    for (const r of results ?? []) {
      if (r.status === 'Error') log.error({ migration: r.migrationName }, '[db] migration failed');
    }
    if (error) throw error;
  };
  if (db.dialect.kind === 'sqlite') {
    // SQLite: all of it in one immediate transaction (SQLite's DDL is transactional), so processes
    // starting at once on one new file take turns instead of racing, and a failed migration
    // leaves nothing half done.
    await beginImmediateWaiting(db);
    try {
      await run();
    } catch (err) {
      await sql`rollback`.execute(db.kysely).catch(() => {});
      throw err;
    }
    await sql`commit`.execute(db.kysely);
    return;
  }
  await db.dialect.withLock(db.kysely, MIGRATION_LOCK_KEY, run);
}
