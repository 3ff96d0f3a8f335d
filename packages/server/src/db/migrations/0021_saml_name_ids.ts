import { type Kysely } from 'kysely';

// A migration sees the schema of its own time, not today's types.
export async function up(db: Kysely<any>): Promise<void> {
  // The NameID a SAML 2.0 IdP gave a federated identity at its last sign-in (null: OIDC, or
  // never signed in by SAML since this column came). A LogoutRequest names its user by NameID,
  // which need not be the GFIPM FederationId the account is keyed by: single logout finds the
  // identity by (IdP, NameID) here.
  await db.schema.alterTable('federated_identity').addColumn('saml_name_id', 'text').execute();
  await db.schema.createIndex('federated_identity_saml_name_id_idx').on('federated_identity').columns(['idp_id', 'saml_name_id']).execute();
}
