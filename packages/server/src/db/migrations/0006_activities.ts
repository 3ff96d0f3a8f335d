import { type Kysely } from 'kysely';
import { createIndex, createTable, ownedBy } from '../ddl.ts';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await createTable(db, 'activity', `
    ${ownedBy('community')}
    title text not null,
    goal text not null default '',
    owner_id text not null references user.id,
    due_date text,
    status text not null default 'active',
    is_template integer not null default 0,
    // Bumped by every change to the activity or its steps: writers take the row's lock through it, so changes apply one at a time.
    version integer not null default 0,
    created_at text not null,
    updated_at text not null,
  `);
  await createIndex(db, 'activity_community_idx', 'activity', ['community_id', 'is_template', 'updated_at']);
  await createTable(db, 'activity_section', `
    ${ownedBy('activity')}
    title text not null,
    position integer not null,
  `);
  await createIndex(db, 'activity_section_idx', 'activity_section', ['activity_id', 'position']);
  await createTable(db, 'activity_step', `
    ${ownedBy('activity')}
    community_id text not null references community.id on delete cascade,
    section_id text references activity_section.id on delete set null,
    title text not null,
    notes text not null default '',
    // Assigned to one member ('user' with assignee_id), to the whole group ('group'), or to no one (null).
    assignee_kind text,
    assignee_id text references user.id on delete set null,
    due_date text,
    done integer not null default 0,
    done_by text references user.id on delete set null,
    done_at text,
    position integer not null,
    created_at text not null,
    updated_at text not null,
  `);
  await createIndex(db, 'activity_step_order_idx', 'activity_step', ['activity_id', 'position']);
  // "My to-dos": open steps assigned to me, or to a group I am in, by due date.
  await createIndex(db, 'activity_step_assignee_idx', 'activity_step', ['assignee_id', 'done', 'due_date']);
  await createIndex(db, 'activity_step_group_idx', 'activity_step', ['community_id', 'assignee_kind', 'done', 'due_date']);
  await createTable(db, 'activity_update', `
    ${ownedBy('activity')}
    step_id text references activity_step.id on delete set null,
    author_id text not null references user.id,
    body text not null,
    attachment_id text references attachment.id,
    created_at text not null,
  `);
  await createIndex(db, 'activity_update_idx', 'activity_update', ['activity_id', 'created_at', 'id']);
}
