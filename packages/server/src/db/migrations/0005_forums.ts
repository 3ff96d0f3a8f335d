import { type Kysely } from 'kysely';
import { createIndex, createTable, createUserMark, ownedBy } from '../ddl.ts';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await createTable(db, 'forum', `
    ${ownedBy('community')}
    name text not null,
    description text not null default '',
    position integer not null,
    topic_count integer not null default 0,
    last_activity_at text,
    created_at text not null,
  `);
  await createIndex(db, 'forum_community_idx', 'forum', ['community_id', 'position']);
  await createTable(db, 'topic', `
    ${ownedBy('forum')}
    community_id text not null references community.id on delete cascade,
    author_id text not null references user.id,
    title text not null,
    body text not null,
    tags text not null default '[]',
    question integer not null default 0,
    answer_reply_id text,
    pinned integer not null default 0,
    locked integer not null default 0,
    reply_count integer not null default 0,
    // The last reply's sequence number in this topic: replies are numbered 1, 2, 3… in the order written.
    last_seq integer not null default 0,
    client_id text,
    last_activity_at text not null,
    edited_at text,
    deleted_at text,
    created_at text not null,
  `);
  // Topic lists: pinned first, then most recent activity, per community and per forum.
  await createIndex(db, 'topic_community_list_idx', 'topic', ['community_id', 'pinned', 'last_activity_at', 'id']);
  await createIndex(db, 'topic_forum_list_idx', 'topic', ['forum_id', 'pinned', 'last_activity_at', 'id']);
  await createIndex(db, 'topic_author_client_idx', 'topic', ['author_id', 'client_id'], { unique: true });
  await createTable(db, 'topic_tag', `
    topic_id text not null references topic.id on delete cascade,
    tag text not null,
  `, { primaryKey: ['topic_id', 'tag'] });
  await createIndex(db, 'topic_tag_tag_idx', 'topic_tag', ['tag', 'topic_id']);
  await createTable(db, 'reply', `
    ${ownedBy('topic')}
    author_id text not null references user.id,
    // The top-level reply this one is nested under (one level only), and the reply it quotes.
    parent_id text,
    quote_id text,
    // Thread order is (root_seq, seq): a top-level reply's root_seq is its own seq; a nested one's is its parent's.
    root_seq integer not null,
    seq integer not null,
    body text not null,
    like_count integer not null default 0,
    client_id text,
    edited_at text,
    deleted_at text,
    created_at text not null,
  `);
  await createIndex(db, 'reply_thread_idx', 'reply', ['topic_id', 'root_seq', 'seq'], { unique: true });
  await createIndex(db, 'reply_author_client_idx', 'reply', ['author_id', 'client_id'], { unique: true });
  await createUserMark(db, 'reply_like', 'reply');
  await createUserMark(db, 'topic_follow', 'topic');
  await createTable(db, 'forum_flag', `
    ${ownedBy('community')}
    topic_id text not null references topic.id on delete cascade,
    reply_id text references reply.id on delete cascade,
    reporter_id text not null references user.id,
    reason text not null,
    note text,
    resolved_at text,
    resolved_by text,
    resolution text,
    created_at text not null,
  `);
  await createIndex(db, 'forum_flag_queue_idx', 'forum_flag', ['community_id', 'resolved_at', 'created_at']);
}
