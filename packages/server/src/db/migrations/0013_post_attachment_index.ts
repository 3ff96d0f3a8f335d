import { type Kysely } from 'kysely';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  // A file attached to a followers-only post is served to that post's audience only (posts/audience.ts): found by its post.
  await db.schema.createIndex('post_attachment_idx').on('post').column('attachment_id').execute();
}
