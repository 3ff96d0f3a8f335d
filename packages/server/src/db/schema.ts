import type { Generated } from 'kysely';

/**
 * Tables as Kysely sees them. Timestamps are ISO-8601 UTC strings and booleans
 * are 0/1 integers, so the same queries and rows work on SQLite and PostgreSQL.
 */
export interface AgencyTable {
  id: string;
  name: string;
  /** Originating Agency Identifier: 9 characters, upper case. */
  ori: string;
  created_at: string;
}

export interface ProfileTable {
  user_id: string;
  agency_id: string | null;
  title: string | null;
  mobile: string | null;
  opted_in: number;
  opted_in_at: string | null;
  created_at: string;
  updated_at: string;
}

/** better-auth's own user table (camelCase columns are better-auth's). */
export interface AuthUserTable {
  id: string;
  name: string;
  email: string;
  emailVerified: Generated<number | boolean>;
  image: string | null;
  createdAt: Generated<string | Date>;
  updatedAt: Generated<string | Date>;
}

export interface Database {
  agency: AgencyTable;
  profile: ProfileTable;
  user: AuthUserTable;
}
