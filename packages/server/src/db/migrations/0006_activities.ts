import { type Kysely } from 'kysely';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
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
}
