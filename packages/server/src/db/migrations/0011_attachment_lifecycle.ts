import { sql, type Kysely } from 'kysely';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  // A file belongs to the one post or update it was attached to (attached_at), and is
  // gone for everyone the moment that is deleted (deleted_at), before its bytes are removed.
  await db.schema.alterTable('attachment').addColumn('attached_at', 'text').execute();
  await db.schema.alterTable('attachment').addColumn('deleted_at', 'text').execute();
  // Invitations by email stay between the inviter's community and the invitee (communities/invitations.ts).
  await db.schema.alterTable('membership').addColumn('via_email', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  const at = new Date().toISOString();
  await sql`update attachment set attached_at = created_at
    where exists (select 1 from post where post.attachment_id = attachment.id)
       or exists (select 1 from activity_update where activity_update.attachment_id = attachment.id)`.execute(db);
  // Files of posts deleted before this release are removed by the next sweep.
  await sql`update attachment set deleted_at = ${at}
    where exists (select 1 from post where post.attachment_id = attachment.id and post.deleted_at is not null)
      and not exists (select 1 from post where post.attachment_id = attachment.id and post.deleted_at is null)
      and not exists (select 1 from activity_update where activity_update.attachment_id = attachment.id)`.execute(db);
  // A user's quota sums their live files; the sweep finds unattached and deleted ones.
  await db.schema.createIndex('attachment_uploader_idx').on('attachment').columns(['uploader_id', 'deleted_at']).execute();
  await db.schema.createIndex('attachment_sweep_idx').on('attachment').columns(['attached_at', 'created_at']).execute();
  await db.schema.createIndex('attachment_deleted_idx').on('attachment').column('deleted_at').execute();
}
