import { type Kysely } from 'kysely';
import { dialectOf } from '../dialect.ts';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  // The database file store (data/stores/database-store.ts): a file's bytes in chunks of about
  // 256 KB, in order, under its storage key, so every process on the database reads every file.
  // Made on SQLite too (one history for both; it stays empty unless JC_FILE_STORE=database).
  // No foreign key to attachment: the chunks are written before its row, in the same transaction,
  // and removed after it is marked deleted.
  const bytes = dialectOf(db).kind === 'postgres' ? 'bytea' : 'blob';
  await db.schema
    .createTable('file_chunk')
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('bytes', bytes, (c) => c.notNull())
    .addPrimaryKeyConstraint('file_chunk_pk', ['storage_key', 'seq'])
    .execute();
}
