import { type Kysely } from 'kysely';
import { createIndex } from '../ddl.ts';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  // A file attached to a followers-only post is served to that post's audience only (posts/audience.ts): found by its post.
  await createIndex(db, 'post_attachment_idx', 'post', ['attachment_id']);
}
