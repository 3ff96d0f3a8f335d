import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { getMigrations } from 'better-auth/db/migration';
import type { BetterAuthOptions } from 'better-auth';
import type { Db } from './database.ts';

/**
 * JusticeConnect's own migrations: one list for SQLite and PostgreSQL. Each
 * migration is written with Kysely's schema builder in portable types (text
 * ids and ISO timestamps, integer booleans), so there is one history for both.
 * They run after better-auth's tables exist, so they may reference `user`.
 */
const migrations: Record<string, Migration> = {
  '0001_agencies_and_profiles': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('agency')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('ori', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('profile')
        .addColumn('user_id', 'text', (c) => c.primaryKey().references('user.id').onDelete('cascade'))
        .addColumn('agency_id', 'text', (c) => c.references('agency.id').onDelete('set null'))
        .addColumn('title', 'text')
        .addColumn('mobile', 'text')
        .addColumn('opted_in', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('opted_in_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('profile_agency_idx').on('profile').column('agency_id').execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** A number every JusticeConnect process agrees on, so only one migrates at a time. */
const MIGRATION_LOCK_KEY = 0x4a43_4d47; // "JCMG"

/**
 * Brings the database up to date: better-auth's tables (through its
 * programmatic `getMigrations`, since its CLI needs Node 22), then ours.
 * On PostgreSQL an advisory lock keeps several starting processes from racing.
 */
export async function migrate(db: Db, authOptions: BetterAuthOptions): Promise<void> {
  const run = async () => {
    const auth = await getMigrations(authOptions);
    await auth.runMigrations();
    const migrator = new Migrator({ db: db.kysely, provider });
    const { error, results } = await migrator.migrateToLatest();
    for (const r of results ?? []) {
      if (r.status === 'Error') console.error(`[db] migration ${r.migrationName} failed`);
    }
    if (error) throw error;
  };
  if (db.kind !== 'postgres') return run();
  await db.kysely.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(conn);
    try {
      await run();
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(conn);
    }
  });
}
