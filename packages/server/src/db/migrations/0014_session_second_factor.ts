import { type Kysely } from 'kysely';
import { addColumn } from '../ddl.ts';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  // Each session records that it passed the code step itself; the account having an
  // authenticator is not enough (a session opened before enrolment never entered a code).
  await addColumn(db, 'session_activity', 'second_factor_at', 'text');
  // A session from before this cannot show it passed the code step: every one ends, and
  // everyone signs in once more (rather than trusting the sessions this change is about).
  await db.deleteFrom('session_activity').execute();
  await db.deleteFrom('session').execute();
}
