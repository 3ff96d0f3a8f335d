import { type Kysely } from 'kysely';
import { addColumn } from '../ddl.ts';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  // A SAML 2.0 provider's trust, as JSON: its single sign-on URL (HTTP-Redirect) and the
  // certificates whose keys may sign its assertions (taken from its metadata or given one by
  // one). Null for an OIDC provider, whose keys come from its discovery document.
  await addColumn(db, 'identity_provider', 'saml', 'text');
}
