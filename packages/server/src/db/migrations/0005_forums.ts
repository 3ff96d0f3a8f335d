import { type Kysely } from 'kysely';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('forum')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('community_id', 'text', (c) => c.notNull().references('community.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('topic_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_activity_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('forum_community_idx').on('forum').columns(['community_id', 'position']).execute();
  await db.schema
    .createTable('topic')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('forum_id', 'text', (c) => c.notNull().references('forum.id').onDelete('cascade'))
    .addColumn('community_id', 'text', (c) => c.notNull().references('community.id').onDelete('cascade'))
    .addColumn('author_id', 'text', (c) => c.notNull().references('user.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('question', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('answer_reply_id', 'text')
    .addColumn('pinned', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reply_count', 'integer', (c) => c.notNull().defaultTo(0))
    // The last reply's sequence number in this topic: replies are numbered 1, 2, 3… in the order written.
    .addColumn('last_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('client_id', 'text')
    .addColumn('last_activity_at', 'text', (c) => c.notNull())
    .addColumn('edited_at', 'text')
    .addColumn('deleted_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // Topic lists: pinned first, then most recent activity, per community and per forum.
  await db.schema.createIndex('topic_community_list_idx').on('topic').columns(['community_id', 'pinned', 'last_activity_at', 'id']).execute();
  await db.schema.createIndex('topic_forum_list_idx').on('topic').columns(['forum_id', 'pinned', 'last_activity_at', 'id']).execute();
  await db.schema.createIndex('topic_author_client_idx').on('topic').columns(['author_id', 'client_id']).unique().execute();
  await db.schema
    .createTable('topic_tag')
    .addColumn('topic_id', 'text', (c) => c.notNull().references('topic.id').onDelete('cascade'))
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('topic_tag_pk', ['topic_id', 'tag'])
    .execute();
  await db.schema.createIndex('topic_tag_tag_idx').on('topic_tag').columns(['tag', 'topic_id']).execute();
  await db.schema
    .createTable('reply')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('topic_id', 'text', (c) => c.notNull().references('topic.id').onDelete('cascade'))
    .addColumn('author_id', 'text', (c) => c.notNull().references('user.id'))
    // The top-level reply this one is nested under (one level only), and the reply it quotes.
    .addColumn('parent_id', 'text')
    .addColumn('quote_id', 'text')
    // Thread order is (root_seq, seq): a top-level reply's root_seq is its own seq; a nested one's is its parent's.
    .addColumn('root_seq', 'integer', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('like_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('client_id', 'text')
    .addColumn('edited_at', 'text')
    .addColumn('deleted_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('reply_thread_idx').on('reply').columns(['topic_id', 'root_seq', 'seq']).unique().execute();
  await db.schema.createIndex('reply_author_client_idx').on('reply').columns(['author_id', 'client_id']).unique().execute();
  await db.schema
    .createTable('reply_like')
    .addColumn('reply_id', 'text', (c) => c.notNull().references('reply.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('user.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('reply_like_pk', ['reply_id', 'user_id'])
    .execute();
  await db.schema
    .createTable('topic_follow')
    .addColumn('topic_id', 'text', (c) => c.notNull().references('topic.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('user.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('topic_follow_pk', ['topic_id', 'user_id'])
    .execute();
  await db.schema
    .createTable('forum_flag')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('community_id', 'text', (c) => c.notNull().references('community.id').onDelete('cascade'))
    .addColumn('topic_id', 'text', (c) => c.notNull().references('topic.id').onDelete('cascade'))
    .addColumn('reply_id', 'text', (c) => c.references('reply.id').onDelete('cascade'))
    .addColumn('reporter_id', 'text', (c) => c.notNull().references('user.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('resolved_at', 'text')
    .addColumn('resolved_by', 'text')
    .addColumn('resolution', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('forum_flag_queue_idx').on('forum_flag').columns(['community_id', 'resolved_at', 'created_at']).execute();
}
