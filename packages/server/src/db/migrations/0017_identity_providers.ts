import { type Kysely } from 'kysely';
import { addColumn, createIndex, createTable } from '../ddl.ts';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  // Identity providers as data: a site administrator registers them (or a deployment lists
  // them in JC_IDENTITY_PROVIDERS_FILE); each says which ORIs it may assert and what counts
  // as a multi-factor sign-in there. The client secret is kept encrypted with the auth secret.
  await createTable(db, 'identity_provider', `
    id text primary key,
    display_name text not null,
    protocol text not null,
    issuer text not null unique,
    client_id text not null,
    client_secret text,
    scopes text not null,
    claims text not null,
    oris text not null,
    vetting_counts integer not null default 0,
    multi_factor text not null,
    source text not null,
    disabled_at text,
    created_at text not null,
    updated_at text not null,
  `);
  // A federated account is keyed by (IdP, federation id), never by its email.
  await createTable(db, 'federated_identity', `
    idp_id text not null references identity_provider.id,
    federation_id text not null,
    user_id text not null unique references user.id on delete cascade,
    email text,
    created_at text not null,
    last_sign_in_at text not null,
  `, { primaryKey: ['idp_id', 'federation_id'] });
  // An OIDC sign-in under way: state, nonce and PKCE verifier, kept server-side with an
  // expiry, and bound to the browser that began it (a hash of its cookie).
  await createTable(db, 'federation_state', `
    state_hash text primary key,
    browser_hash text not null,
    idp_id text not null,
    nonce text not null,
    code_verifier text not null,
    return_to text not null,
    expires_at text not null,
  `);
  await createIndex(db, 'federation_state_expires_idx', 'federation_state', ['expires_at']);
  // ID tokens already used (their jti, or the hash of one without), until they expire: a replay is refused in every process.
  await createTable(db, 'federation_jti', `
    idp_id text not null,
    jti text not null,
    expires_at text not null,
  `, { primaryKey: ['idp_id', 'jti'] });
  await createIndex(db, 'federation_jti_expires_idx', 'federation_jti', ['expires_at']);
  // How a session passed the second factor: null (our one-time code) or 'idp' (the IdP's
  // assertion showed a multi-factor sign-in, so our code step was skipped).
  await addColumn(db, 'session_activity', 'second_factor_by', 'text');
}
