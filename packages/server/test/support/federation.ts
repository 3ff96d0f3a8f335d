import type { JusticeConnectApp } from '../../src/app.ts';

/** The audit rows of refused federated sign-ins with this code. */
export async function federationRefusals(t: JusticeConnectApp, code: string) {
  const rows = await t.services.db.kysely.selectFrom('audit_log').select(['outcome', 'details', 'target']).where('action', '=', 'auth.federation.sign-in').execute();
  return rows.filter((r) => JSON.parse(r.details).code === code);
}

/** The account an identity provider's federation id signs in as: its id, email, vetting status and agency's ORI. */
export function federatedAccount(t: JusticeConnectApp, idpId: string, federationId: string) {
  return t.services.db.kysely
    .selectFrom('federated_identity')
    .innerJoin('profile', 'profile.user_id', 'federated_identity.user_id')
    .innerJoin('user', 'user.id', 'federated_identity.user_id')
    .innerJoin('agency', 'agency.id', 'profile.agency_id')
    .select(['user.id', 'user.email', 'profile.status', 'agency.ori'])
    .where('federated_identity.idp_id', '=', idpId)
    .where('federated_identity.federation_id', '=', federationId)
    .executeTakeFirst();
}
