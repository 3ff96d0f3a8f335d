import { type Kysely } from 'kysely';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  // A user's service grants and dismissed announcements are read on every directory and
  // banner load; their primary keys lead with the service or announcement (test/query-plans.test.ts).
  await db.schema.createIndex('service_grant_user_idx').on('service_grant').column('user_id').execute();
  await db.schema.createIndex('announcement_dismissal_user_idx').on('announcement_dismissal').column('user_id').execute();
}
