import type { JusticeConnectApp } from '../../src/app.ts';

/** The agencies beside the test agency that a federation test's IdP names: one it lists (an officer moves there), one outside its list. */
export const SECOND_ORI = 'TEST00002';
export const OUTSIDE_ORI = 'TEST00003';

/** Adds the SECOND_ORI and OUTSIDE_ORI agencies. */
export async function addFederationAgencies(t: JusticeConnectApp) {
  for (const [id, ori] of [['agency-two', SECOND_ORI], ['agency-three', OUTSIDE_ORI]] as const) {
    await t.services.db.kysely.insertInto('agency').values({ id, name: `Agency ${ori}`, ori, created_at: new Date().toISOString() }).execute();
  }
}

/** How a federated sign-in answered the browser: its status, where it sends it, and the session cookie it set. */
export interface SignInAnswer {
  status: number;
  location: string | null;
  cookie: string | undefined;
}

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
