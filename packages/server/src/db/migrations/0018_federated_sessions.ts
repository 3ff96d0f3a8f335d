import { type Kysely } from 'kysely';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  // Which identity provider opened a session (null: a local sign-in). Disabling a provider
  // ends exactly these sessions; a local session of the same person is not one of them.
  await db.schema.alterTable('session_activity').addColumn('idp_id', 'text').execute();
  await db.schema.createIndex('session_activity_idp_idx').on('session_activity').column('idp_id').execute();
  // Who disabled a provider: 'api' (an administrator) or 'file' (the providers file at start).
  // The file enables again only what the file disabled; an administrator's disabling holds.
  await db.schema.alterTable('identity_provider').addColumn('disabled_by', 'text').execute();
  await db.updateTable('identity_provider').set({ disabled_by: 'api' }).where('disabled_at', 'is not', null).execute();
}
