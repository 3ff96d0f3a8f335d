import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { getMigrations } from 'better-auth/db/migration';
import type { BetterAuthOptions } from 'better-auth';
import type { DatabaseKind } from '../config.ts';
import type { Db } from './database.ts';
import * as m0011 from './migrations/0011_attachment_lifecycle.ts';
import * as m0012 from './migrations/0012_slugs_unlike_ids.ts';
import * as m0013 from './migrations/0013_post_attachment_index.ts';
import * as m0014 from './migrations/0014_session_second_factor.ts';
import * as m0015 from './migrations/0015_event_sequence_and_audit_outbox.ts';
import * as m0016 from './migrations/0016_sliding_limits_and_leases.ts';

/**
 * JusticeConnect's own migrations: one list for SQLite and PostgreSQL. Each
 * migration is written with Kysely's schema builder in portable types (text
 * ids and ISO timestamps, integer booleans), so there is one history for both.
 * They run after better-auth's tables exist, so they may reference `user`.
 */
function buildMigrations(kind: DatabaseKind): Record<string, Migration> {
  return {
  '0001_agencies_and_profiles': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('agency')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('ori', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('profile')
        .addColumn('user_id', 'text', (c) => c.primaryKey().references('user.id').onDelete('cascade'))
        .addColumn('agency_id', 'text', (c) => c.references('agency.id').onDelete('set null'))
        .addColumn('title', 'text')
        .addColumn('mobile', 'text')
        .addColumn('opted_in', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('opted_in_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('profile_agency_idx').on('profile').column('agency_id').execute();
    },
  },
  '0002_vetting_and_communities': {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('profile').addColumn('status', 'text', (c) => c.notNull().defaultTo('pending')).execute();
      await db.schema.alterTable('profile').addColumn('site_admin', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('profile').addColumn('agency_admin', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      // Accounts from before vetting existed keep working.
      await db.updateTable('profile').set({ status: 'active' }).execute();
      await db.schema.createIndex('profile_agency_status_idx').on('profile').columns(['agency_id', 'status']).execute();

      await db.schema
        .createTable('community')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('parent_id', 'text', (c) => c.references('community.id').onDelete('restrict'))
        .addColumn('slug', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('banner_url', 'text')
        .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('visibility', 'text', (c) => c.notNull())
        .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('created_by', 'text', (c) => c.notNull().references('user.id'))
        .addColumn('archived_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('community_parent_idx').on('community').column('parent_id').execute();
      await db.schema.createIndex('community_updated_idx').on('community').columns(['updated_at', 'id']).execute();

      await db.schema
        .createTable('membership')
        .addColumn('community_id', 'text', (c) => c.notNull().references('community.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('user.id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('membership_pk', ['community_id', 'user_id'])
        .execute();
      await db.schema.createIndex('membership_user_idx').on('membership').columns(['user_id', 'state']).execute();
      await db.schema.createIndex('membership_community_state_idx').on('membership').columns(['community_id', 'state']).execute();
    },
  },
  '0003_events': {
    async up(db: Kysely<any>) {
      // Live events: a monotonic id (SQLite AUTOINCREMENT never reuses one; on
      // PostgreSQL writers take an advisory lock so ids also commit in order).
      await db.schema
        .createTable('event')
        .addColumn('id', kind === 'postgres' ? 'bigserial' : 'integer', (c) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('community_id', 'text')
        .addColumn('user_id', 'text')
        .addColumn('content', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('event_created_idx').on('event').column('created_at').execute();
    },
  },
  '0004_feed': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('attachment')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('community_id', 'text', (c) => c.notNull().references('community.id').onDelete('cascade'))
        .addColumn('uploader_id', 'text', (c) => c.notNull().references('user.id'))
        .addColumn('filename', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size', 'integer', (c) => c.notNull())
        .addColumn('storage_key', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('post')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('community_id', 'text', (c) => c.notNull().references('community.id').onDelete('cascade'))
        .addColumn('author_id', 'text', (c) => c.notNull().references('user.id'))
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('audience', 'text', (c) => c.notNull().defaultTo('community'))
        .addColumn('title', 'text')
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('attachment_id', 'text', (c) => c.references('attachment.id').onDelete('set null'))
        .addColumn('client_id', 'text')
        .addColumn('comment_count', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('edited_at', 'text')
        .addColumn('deleted_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      // Keyset pages: a community's feed, and everyone's (for "all my communities").
      await db.schema.createIndex('post_community_page_idx').on('post').columns(['community_id', 'created_at', 'id']).execute();
      await db.schema.createIndex('post_page_idx').on('post').columns(['created_at', 'id']).execute();
      await db.schema.createIndex('post_author_client_idx').on('post').columns(['author_id', 'client_id']).unique().execute();
      await db.schema
        .createTable('reaction')
        .addColumn('post_id', 'text', (c) => c.notNull().references('post.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('user.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('reaction_pk', ['post_id', 'user_id', 'kind'])
        .execute();
      await db.schema
        .createTable('comment')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('post_id', 'text', (c) => c.notNull().references('post.id').onDelete('cascade'))
        .addColumn('author_id', 'text', (c) => c.notNull().references('user.id'))
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('deleted_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('comment_post_idx').on('comment').columns(['post_id', 'created_at']).execute();
      await db.schema
        .createTable('report')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('post_id', 'text', (c) => c.notNull().references('post.id').onDelete('cascade'))
        .addColumn('reporter_id', 'text', (c) => c.notNull().references('user.id'))
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('report_post_idx').on('report').column('post_id').execute();
      await db.schema
        .createTable('follow')
        .addColumn('follower_id', 'text', (c) => c.notNull().references('user.id').onDelete('cascade'))
        .addColumn('followee_id', 'text', (c) => c.notNull().references('user.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('follow_pk', ['follower_id', 'followee_id'])
        .execute();
    },
  },
  '0005_forums': {
    async up(db: Kysely<any>) {
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
    },
  },
  '0006_activities': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('activity')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('community_id', 'text', (c) => c.notNull().references('community.id').onDelete('cascade'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('goal', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('owner_id', 'text', (c) => c.notNull().references('user.id'))
        .addColumn('due_date', 'text')
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
        .addColumn('is_template', 'integer', (c) => c.notNull().defaultTo(0))
        // Bumped by every change to the activity or its steps: writers take the row's lock through it, so changes apply one at a time.
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('activity_community_idx').on('activity').columns(['community_id', 'is_template', 'updated_at']).execute();
      await db.schema
        .createTable('activity_section')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('activity_id', 'text', (c) => c.notNull().references('activity.id').onDelete('cascade'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('activity_section_idx').on('activity_section').columns(['activity_id', 'position']).execute();
      await db.schema
        .createTable('activity_step')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('activity_id', 'text', (c) => c.notNull().references('activity.id').onDelete('cascade'))
        .addColumn('community_id', 'text', (c) => c.notNull().references('community.id').onDelete('cascade'))
        .addColumn('section_id', 'text', (c) => c.references('activity_section.id').onDelete('set null'))
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
        // Assigned to one member ('user' with assignee_id), to the whole group ('group'), or to no one (null).
        .addColumn('assignee_kind', 'text')
        .addColumn('assignee_id', 'text', (c) => c.references('user.id').onDelete('set null'))
        .addColumn('due_date', 'text')
        .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('done_by', 'text', (c) => c.references('user.id').onDelete('set null'))
        .addColumn('done_at', 'text')
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('activity_step_order_idx').on('activity_step').columns(['activity_id', 'position']).execute();
      // "My to-dos": open steps assigned to me, or to a group I am in, by due date.
      await db.schema.createIndex('activity_step_assignee_idx').on('activity_step').columns(['assignee_id', 'done', 'due_date']).execute();
      await db.schema.createIndex('activity_step_group_idx').on('activity_step').columns(['community_id', 'assignee_kind', 'done', 'due_date']).execute();
      await db.schema
        .createTable('activity_update')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('activity_id', 'text', (c) => c.notNull().references('activity.id').onDelete('cascade'))
        .addColumn('step_id', 'text', (c) => c.references('activity_step.id').onDelete('set null'))
        .addColumn('author_id', 'text', (c) => c.notNull().references('user.id'))
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('attachment_id', 'text', (c) => c.references('attachment.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('activity_update_idx').on('activity_update').columns(['activity_id', 'created_at', 'id']).execute();
    },
  },
  '0007_services_and_announcements': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('service')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('icon', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('community_id', 'text', (c) => c.references('community.id').onDelete('set null'))
        // 'everyone', or 'restricted' to the agencies and roles in service_access (and users granted access).
        .addColumn('access_rule', 'text', (c) => c.notNull().defaultTo('everyone'))
        .addColumn('access_instructions', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('health_url', 'text')
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().defaultTo('operational'))
        .addColumn('status_message', 'text')
        // Who set the status: an administrator, or the automatic health check (which never overrides an administrator).
        .addColumn('status_source', 'text', (c) => c.notNull().defaultTo('admin'))
        .addColumn('status_updated_at', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('service_access')
        .addColumn('service_id', 'text', (c) => c.notNull().references('service.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('service_access_pk', ['service_id', 'kind', 'value'])
        .execute();
      await db.schema
        .createTable('service_grant')
        .addColumn('service_id', 'text', (c) => c.notNull().references('service.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('user.id').onDelete('cascade'))
        .addColumn('granted_by', 'text', (c) => c.references('user.id').onDelete('set null'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('service_grant_pk', ['service_id', 'user_id'])
        .execute();
      await db.schema
        .createTable('maintenance_window')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('service_id', 'text', (c) => c.notNull().references('service.id').onDelete('cascade'))
        .addColumn('starts_at', 'text', (c) => c.notNull())
        .addColumn('ends_at', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_by', 'text', (c) => c.references('user.id').onDelete('set null'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        // Set once the start (end) has been announced live, by whichever server process claimed it first.
        .addColumn('start_announced', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('end_announced', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('maintenance_window_service_idx').on('maintenance_window').columns(['service_id', 'ends_at']).execute();
      await db.schema.createIndex('maintenance_window_ends_idx').on('maintenance_window').columns(['end_announced', 'ends_at']).execute();
      await db.schema
        .createTable('service_favorite')
        .addColumn('user_id', 'text', (c) => c.notNull().references('user.id').onDelete('cascade'))
        .addColumn('service_id', 'text', (c) => c.notNull().references('service.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('service_favorite_pk', ['user_id', 'service_id'])
        .execute();
      await db.schema
        .createTable('access_request')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('service_id', 'text', (c) => c.notNull().references('service.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('user.id').onDelete('cascade'))
        .addColumn('note', 'text')
        .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending'))
        .addColumn('decided_by', 'text', (c) => c.references('user.id').onDelete('set null'))
        .addColumn('decided_at', 'text')
        .addColumn('decision_note', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('access_request_state_idx').on('access_request').columns(['state', 'created_at']).execute();
      await db.schema.createIndex('access_request_user_idx').on('access_request').columns(['user_id', 'service_id']).execute();
      await db.schema
        .createTable('announcement')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('starts_at', 'text', (c) => c.notNull())
        .addColumn('ends_at', 'text')
        // 'everyone', 'agencies' (agency ids) or 'roles' (site-admin, agency-admin), with the list as JSON.
        .addColumn('audience_kind', 'text', (c) => c.notNull().defaultTo('everyone'))
        .addColumn('audience', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('created_by', 'text', (c) => c.references('user.id').onDelete('set null'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('start_announced', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('end_announced', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('announcement_window_idx').on('announcement').columns(['starts_at', 'ends_at']).execute();
      await db.schema
        .createTable('announcement_dismissal')
        .addColumn('announcement_id', 'text', (c) => c.notNull().references('announcement.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('user.id').onDelete('cascade'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('announcement_dismissal_pk', ['announcement_id', 'user_id'])
        .execute();
    },
  },
  '0008_audit_log': {
    async up(db: Kysely<any>) {
      // The audit log: append-only (the database itself refuses updates and deletes) and hash-chained.
      await db.schema
        .createTable('audit_log')
        .addColumn('seq', kind === 'postgres' ? 'bigserial' : 'integer', (c) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor_agency_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('details', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('prev_hash', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_log_agency_idx').on('audit_log').columns(['actor_agency_id', 'seq']).execute();
      if (kind === 'postgres') {
        await sql`create function audit_log_append_only() returns trigger language plpgsql as $$ begin raise exception 'the audit log is append-only'; end $$`.execute(db);
        await sql`create trigger audit_log_no_change before update or delete on audit_log for each row execute function audit_log_append_only()`.execute(db);
        await sql`create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function audit_log_append_only()`.execute(db);
      } else {
        await sql`create trigger audit_log_no_update before update on audit_log begin select raise(abort, 'the audit log is append-only'); end`.execute(db);
        await sql`create trigger audit_log_no_delete before delete on audit_log begin select raise(abort, 'the audit log is append-only'); end`.execute(db);
      }
    },
  },
  '0009_sign_in_controls': {
    async up(db: Kysely<any>) {
      // Locked after too many failed sign-ins, until an administrator unlocks it.
      await db.schema.alterTable('profile').addColumn('locked_at', 'text').execute();
      await db.schema
        .createTable('auth_failure')
        .addColumn('id', kind === 'postgres' ? 'bigserial' : 'integer', (c) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
        .addColumn('user_id', 'text', (c) => c.notNull().references('user.id').onDelete('cascade'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('auth_failure_user_idx').on('auth_failure').columns(['user_id', 'at']).execute();
      // Fixed-window counters shared by every server process.
      await db.schema
        .createTable('rate_limit')
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('window_start', 'integer', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('rate_limit_pk', ['key', 'window_start'])
        .execute();
      await db.schema
        .createTable('notice_acceptance')
        .addColumn('user_id', 'text', (c) => c.notNull().references('user.id').onDelete('cascade'))
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('accepted_at', 'text', (c) => c.notNull())
        .addColumn('ip', 'text')
        .addPrimaryKeyConstraint('notice_acceptance_pk', ['user_id', 'version'])
        .execute();
      // When each session was last used (idle sessions end), and which system-use notice it accepted.
      await db.schema
        .createTable('session_activity')
        .addColumn('session_id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'text', (c) => c.notNull())
        .addColumn('notice_version', 'text')
        .execute();
      // One-time codes already used: a TOTP code works once.
      await db.schema
        .createTable('totp_used')
        .addColumn('user_id', 'text', (c) => c.notNull().references('user.id').onDelete('cascade'))
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('used_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('totp_used_pk', ['user_id', 'code'])
        .execute();
    },
  },
  '0010_per_user_indexes': {
    async up(db: Kysely<any>) {
      // A user's service grants and dismissed announcements are read on every directory and
      // banner load; their primary keys lead with the service or announcement (test/query-plans.test.ts).
      await db.schema.createIndex('service_grant_user_idx').on('service_grant').column('user_id').execute();
      await db.schema.createIndex('announcement_dismissal_user_idx').on('announcement_dismissal').column('user_id').execute();
    },
  },
  // From here on, one file a migration (db/migrations/).
  '0011_attachment_lifecycle': m0011,
  '0012_slugs_unlike_ids': m0012,
  '0013_post_attachment_index': m0013,
  '0014_session_second_factor': m0014,
  '0015_event_sequence_and_audit_outbox': m0015,
  '0016_sliding_limits_and_leases': m0016,
  };
}

/**
 * Takes SQLite's write lock (`begin immediate`), waiting for another
 * connection that holds it without blocking the thread: better-sqlite3's
 * busy_timeout would block, and a second app in the same process (tests) could
 * then never let go of the lock it waits for.
 */
async function beginImmediateWaiting(db: Db, waitMs = 60_000): Promise<void> {
  const current = await sql<{ timeout: number }>`pragma busy_timeout`.execute(db.kysely);
  const timeout = Number(current.rows[0]?.timeout ?? 0);
  await sql.raw('pragma busy_timeout = 0').execute(db.kysely);
  try {
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        await sql`begin immediate`.execute(db.kysely);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  } finally {
    await sql.raw(`pragma busy_timeout = ${timeout}`).execute(db.kysely);
  }
}

/** A number every JusticeConnect process agrees on, so only one migrates at a time. */
const MIGRATION_LOCK_KEY = 0x4a43_4d47; // "JCMG"

/**
 * Brings the database up to date: better-auth's tables (through its
 * programmatic `getMigrations`, since its CLI needs Node 22), then ours.
 * Several processes starting at once never race: on PostgreSQL an advisory
 * lock, on SQLite one immediate transaction, lets one migrate at a time.
 */
export async function migrate(db: Db, authOptions: BetterAuthOptions): Promise<void> {
  const run = async () => {
    const auth = await getMigrations(authOptions);
    await auth.runMigrations();
    const provider: MigrationProvider = { getMigrations: async () => buildMigrations(db.kind) };
    const migrator = new Migrator({ db: db.kysely, provider });
    const { error, results } = await migrator.migrateToLatest();
    for (const r of results ?? []) {
      if (r.status === 'Error') console.error(`[db] migration ${r.migrationName} failed`);
    }
    if (error) throw error;
  };
  if (db.kind !== 'postgres') {
    // SQLite: all of it in one immediate transaction (SQLite's DDL is transactional), so processes
    // starting at once on one new file take turns instead of racing, and a failed migration
    // leaves nothing half done.
    await beginImmediateWaiting(db);
    try {
      await run();
    } catch (err) {
      await sql`rollback`.execute(db.kysely).catch(() => {});
      throw err;
    }
    await sql`commit`.execute(db.kysely);
    return;
  }
  await db.kysely.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(conn);
    try {
      await run();
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(conn);
    }
  });
}
