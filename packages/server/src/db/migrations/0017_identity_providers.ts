import { type Kysely } from 'kysely';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  // Identity providers as data: a site administrator registers them (or a deployment lists
  // them in JC_IDENTITY_PROVIDERS_FILE); each says which ORIs it may assert and what counts
  // as a multi-factor sign-in there. The client secret is kept encrypted with the auth secret.
  await db.schema
    .createTable('identity_provider')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('protocol', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text', (c) => c.notNull().unique())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('client_secret', 'text')
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('claims', 'text', (c) => c.notNull())
    .addColumn('oris', 'text', (c) => c.notNull())
    .addColumn('vetting_counts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('multi_factor', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('disabled_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // A federated account is keyed by (IdP, federation id), never by its email.
  await db.schema
    .createTable('federated_identity')
    .addColumn('idp_id', 'text', (c) => c.notNull().references('identity_provider.id'))
    .addColumn('federation_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().unique().references('user.id').onDelete('cascade'))
    .addColumn('email', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_sign_in_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('federated_identity_pk', ['idp_id', 'federation_id'])
    .execute();
  // An OIDC sign-in under way: state, nonce and PKCE verifier, kept server-side with an
  // expiry, and bound to the browser that began it (a hash of its cookie).
  await db.schema
    .createTable('federation_state')
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('browser_hash', 'text', (c) => c.notNull())
    .addColumn('idp_id', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('return_to', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('federation_state_expires_idx').on('federation_state').column('expires_at').execute();
  // ID tokens already used (their jti, or the hash of one without), until they expire: a replay is refused in every process.
  await db.schema
    .createTable('federation_jti')
    .addColumn('idp_id', 'text', (c) => c.notNull())
    .addColumn('jti', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('federation_jti_pk', ['idp_id', 'jti'])
    .execute();
  await db.schema.createIndex('federation_jti_expires_idx').on('federation_jti').column('expires_at').execute();
  // How a session passed the second factor: null (our one-time code) or 'idp' (the IdP's
  // assertion showed a multi-factor sign-in, so our code step was skipped).
  await db.schema.alterTable('session_activity').addColumn('second_factor_by', 'text').execute();
}
