import { type Kysely } from 'kysely';
import { addColumn, createIndex, createTable } from '../ddl.ts';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await addColumn(db, 'profile', 'status', "text not null default 'pending'");
  await addColumn(db, 'profile', 'site_admin', 'integer not null default 0');
  await addColumn(db, 'profile', 'agency_admin', 'integer not null default 0');
  // Accounts from before vetting existed keep working.
  await db.updateTable('profile').set({ status: 'active' }).execute();
  await createIndex(db, 'profile_agency_status_idx', 'profile', ['agency_id', 'status']);

  await createTable(db, 'community', `

    id text primary key,

    parent_id text references community.id on delete restrict,

    slug text not null unique,

    name text not null,

    description text not null default '',

    banner_url text,

    tags text not null default '[]',

    visibility text not null,

    settings text not null default '{}',

    created_by text not null references user.id,

    archived_at text,

    created_at text not null,

    updated_at text not null,

  `);
  await createIndex(db, 'community_parent_idx', 'community', ['parent_id']);
  await createIndex(db, 'community_updated_idx', 'community', ['updated_at', 'id']);

  await createTable(db, 'membership', `

    community_id text not null references community.id on delete cascade,

    user_id text not null references user.id on delete cascade,

    role text not null,

    state text not null,

    created_at text not null,

    updated_at text not null,

  `, { primaryKey: ['community_id', 'user_id'] });
  await createIndex(db, 'membership_user_idx', 'membership', ['user_id', 'state']);
  await createIndex(db, 'membership_community_state_idx', 'membership', ['community_id', 'state']);
}
