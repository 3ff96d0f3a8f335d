import { type Kysely } from 'kysely';
import { addColumn, createIndex, createTable } from '../ddl.ts';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  // Locked after too many failed sign-ins, until an administrator unlocks it.
  await addColumn(db, 'profile', 'locked_at', 'text');
  await createTable(db, 'auth_failure', `
    id serial,
    user_id text not null references user.id on delete cascade,
    kind text not null,
    at text not null,
  `);
  await createIndex(db, 'auth_failure_user_idx', 'auth_failure', ['user_id', 'at']);
  // Fixed-window counters shared by every server process.
  await createTable(db, 'rate_limit', `
    key text not null,
    window_start integer not null,
    count integer not null,
  `, { primaryKey: ['key', 'window_start'] });
  await createTable(db, 'notice_acceptance', `
    user_id text not null references user.id on delete cascade,
    version text not null,
    accepted_at text not null,
    ip text,
  `, { primaryKey: ['user_id', 'version'] });
  // When each session was last used (idle sessions end), and which system-use notice it accepted.
  await createTable(db, 'session_activity', `
    session_id text primary key,
    user_id text not null,
    last_seen_at text not null,
    notice_version text,
  `);
  // One-time codes already used: a TOTP code works once.
  await createTable(db, 'totp_used', `
    user_id text not null references user.id on delete cascade,
    code text not null,
    used_at text not null,
  `, { primaryKey: ['user_id', 'code'] });
}
