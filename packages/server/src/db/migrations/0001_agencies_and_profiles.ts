import { type Kysely } from 'kysely';
import { createIndex, createTable } from '../ddl.ts';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await createTable(db, 'agency', `
    id text primary key,
    name text not null,
    ori text not null unique,
    created_at text not null,
  `);
  await createTable(db, 'profile', `
    user_id text primary key references user.id on delete cascade,
    agency_id text references agency.id on delete set null,
    title text,
    mobile text,
    opted_in integer not null default 0,
    opted_in_at text,
    created_at text not null,
    updated_at text not null,
  `);
  await createIndex(db, 'profile_agency_idx', 'profile', ['agency_id']);
}
