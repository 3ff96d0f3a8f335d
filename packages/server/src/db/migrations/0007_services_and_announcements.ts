import { type Kysely } from 'kysely';
import { createIndex, createTable, createUserMark, ownedBy } from '../ddl.ts';

// Set once the start (end) of a maintenance window or an announcement has been announced live, by whichever server process claimed it first.
const ANNOUNCED = 'start_announced integer not null default 0, end_announced integer not null default 0,';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  await createTable(db, 'service', `
    id text primary key,
    name text not null,
    icon text not null,
    description text not null default '',
    url text not null,
    community_id text references community.id on delete set null,
    // 'everyone', or 'restricted' to the agencies and roles in service_access (and users granted access).
    access_rule text not null default 'everyone',
    access_instructions text not null default '',
    health_url text,
    position integer not null,
    status text not null default 'operational',
    status_message text,
    // Who set the status: an administrator, or the automatic health check (which never overrides an administrator).
    status_source text not null default 'admin',
    status_updated_at text not null,
    created_at text not null,
    updated_at text not null,
  `);
  await createTable(db, 'service_access', `
    service_id text not null references service.id on delete cascade,
    kind text not null,
    value text not null,
  `, { primaryKey: ['service_id', 'kind', 'value'] });
  await createTable(db, 'service_grant', `
    service_id text not null references service.id on delete cascade,
    user_id text not null references user.id on delete cascade,
    granted_by text references user.id on delete set null,
    created_at text not null,
  `, { primaryKey: ['service_id', 'user_id'] });
  await createTable(db, 'maintenance_window', `
    ${ownedBy('service')}
    starts_at text not null,
    ends_at text not null,
    message text not null default '',
    created_by text references user.id on delete set null,
    created_at text not null,
    ${ANNOUNCED}
  `);
  await createIndex(db, 'maintenance_window_service_idx', 'maintenance_window', ['service_id', 'ends_at']);
  await createIndex(db, 'maintenance_window_ends_idx', 'maintenance_window', ['end_announced', 'ends_at']);
  await createTable(db, 'service_favorite', `
    user_id text not null references user.id on delete cascade,
    service_id text not null references service.id on delete cascade,
    position integer not null,
  `, { primaryKey: ['user_id', 'service_id'] });
  await createTable(db, 'access_request', `
    ${ownedBy('service')}
    user_id text not null references user.id on delete cascade,
    note text,
    state text not null default 'pending',
    decided_by text references user.id on delete set null,
    decided_at text,
    decision_note text,
    created_at text not null,
  `);
  await createIndex(db, 'access_request_state_idx', 'access_request', ['state', 'created_at']);
  await createIndex(db, 'access_request_user_idx', 'access_request', ['user_id', 'service_id']);
  await createTable(db, 'announcement', `
    id text primary key,
    severity text not null,
    title text not null,
    body text not null default '',
    starts_at text not null,
    ends_at text,
    // 'everyone', 'agencies' (agency ids) or 'roles' (site-admin, agency-admin), with the list as JSON.
    audience_kind text not null default 'everyone',
    audience text not null default '[]',
    created_by text references user.id on delete set null,
    created_at text not null,
    updated_at text not null,
    ${ANNOUNCED}
  `);
  await createIndex(db, 'announcement_window_idx', 'announcement', ['starts_at', 'ends_at']);
  await createUserMark(db, 'announcement_dismissal', 'announcement');
}
