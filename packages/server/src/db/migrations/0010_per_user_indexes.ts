import { type Kysely } from 'kysely';
import { createIndex } from '../ddl.ts';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  // A user's service grants and dismissed announcements are read on every directory and
  // banner load; their primary keys lead with the service or announcement (test/query-plans.test.ts).
  await createIndex(db, 'service_grant_user_idx', 'service_grant', ['user_id']);
  await createIndex(db, 'announcement_dismissal_user_idx', 'announcement_dismissal', ['user_id']);
}
