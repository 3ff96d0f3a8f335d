import { type Kysely } from 'kysely';
import { createIndex, createTable, ownedBy } from '../ddl.ts';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await createTable(db, 'attachment', `
    ${ownedBy('community')}
    uploader_id text not null references user.id,
    filename text not null,
    content_type text not null,
    size integer not null,
    storage_key text not null,
    created_at text not null,
  `);
  await createTable(db, 'post', `
    ${ownedBy('community')}
    author_id text not null references user.id,
    type text not null,
    audience text not null default 'community',
    title text,
    body text not null,
    attachment_id text references attachment.id on delete set null,
    client_id text,
    comment_count integer not null default 0,
    edited_at text,
    deleted_at text,
    created_at text not null,
  `);
  // Keyset pages: a community's feed, and everyone's (for "all my communities").
  await createIndex(db, 'post_community_page_idx', 'post', ['community_id', 'created_at', 'id']);
  await createIndex(db, 'post_page_idx', 'post', ['created_at', 'id']);
  await createIndex(db, 'post_author_client_idx', 'post', ['author_id', 'client_id'], { unique: true });
  await createTable(db, 'reaction', `
    post_id text not null references post.id on delete cascade,
    user_id text not null references user.id on delete cascade,
    kind text not null,
    created_at text not null,
  `, { primaryKey: ['post_id', 'user_id', 'kind'] });
  await createTable(db, 'comment', `
    ${ownedBy('post')}
    author_id text not null references user.id,
    body text not null,
    deleted_at text,
    created_at text not null,
  `);
  await createIndex(db, 'comment_post_idx', 'comment', ['post_id', 'created_at']);
  await createTable(db, 'report', `
    ${ownedBy('post')}
    reporter_id text not null references user.id,
    reason text not null,
    created_at text not null,
  `);
  await createIndex(db, 'report_post_idx', 'report', ['post_id']);
  await createTable(db, 'follow', `
    follower_id text not null references user.id on delete cascade,
    followee_id text not null references user.id on delete cascade,
    created_at text not null,
  `, { primaryKey: ['follower_id', 'followee_id'] });
}
