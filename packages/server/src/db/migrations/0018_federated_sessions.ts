import { type Kysely } from 'kysely';
import { addColumn, createIndex } from '../ddl.ts';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  // Which identity provider opened a session (null: a local sign-in). Disabling a provider
  // ends exactly these sessions; a local session of the same person is not one of them.
  await addColumn(db, 'session_activity', 'idp_id', 'text');
  await createIndex(db, 'session_activity_idp_idx', 'session_activity', ['idp_id']);
  // Who disabled a provider: 'api' (an administrator) or 'file' (the providers file at start).
  // The file enables again only what the file disabled; an administrator's disabling holds.
  await addColumn(db, 'identity_provider', 'disabled_by', 'text');
  await db.updateTable('identity_provider').set({ disabled_by: 'api' }).where('disabled_at', 'is not', null).execute();
}
