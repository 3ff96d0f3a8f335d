import { type Kysely } from 'kysely';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
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
}
