import { type Kysely } from 'kysely';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
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
}
