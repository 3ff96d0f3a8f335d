import { sql, type Kysely } from 'kysely';
import { addColumn, createIndex } from '../ddl.ts';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  // A file belongs to the one post or update it was attached to (attached_at), and is
  // gone for everyone the moment that is deleted (deleted_at), before its bytes are removed.
  await addColumn(db, 'attachment', 'attached_at', 'text');
  await addColumn(db, 'attachment', 'deleted_at', 'text');
  // Invitations by email stay between the inviter's community and the invitee (communities/invitations.ts).
  await addColumn(db, 'membership', 'via_email', 'integer not null default 0');
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
  await createIndex(db, 'attachment_uploader_idx', 'attachment', ['uploader_id', 'deleted_at']);
  await createIndex(db, 'attachment_sweep_idx', 'attachment', ['attached_at', 'created_at']);
  await createIndex(db, 'attachment_deleted_idx', 'attachment', ['deleted_at']);
}
