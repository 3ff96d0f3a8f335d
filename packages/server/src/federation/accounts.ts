import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { now } from '../db/database.ts';
import { recordEvent } from '../events/events.ts';
import type { Database, UserStatus } from '../db/schema.ts';
import { INVISIBLE_FORMATTING } from '../http/display-name.ts';
import { FederationError } from './oidc.ts';
import type { Idp } from './queries.ts';

/*
 * Who a federated user is: the account keyed by (IdP, federation id),
 * provisioned just in time in the agency of the ORI the IdP asserted (one it
 * may assert), never joined to another account by its email. A changed ORI is
 * a transfer. Pure data work on a transaction: no request, no HTTP.
 */

export interface Assertion {
  federationId: string;
  ori: string;
  name: string;
  email: string | null;
  multiFactor: boolean;
}

const ORI = /^[A-Z0-9]{9}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}$/;

/** What an IdP asserted, by claim (OIDC) or attribute (SAML) name. */
export type Claims = Record<string, unknown>;

function text(payload: Claims, claim: string): string | undefined {
  const value = payload[claim];
  return typeof value === 'string' ? value : undefined;
}

/** Strips what a display name may not carry (JusticeConnect's DisplayName rules) from an IdP's names. */
function displayName(given: string | undefined, surname: string | undefined): string {
  const clean = (s: string | undefined) => (s ?? '').replace(INVISIBLE_FORMATTING, '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  const name = [clean(given), clean(surname)].filter(Boolean).join(' ').slice(0, 100).trim();
  return name || 'Federated user';
}

/**
 * Reads the assertion's claims by the IdP's configured names; a missing
 * federation id or ORI is refused. `contexts`: how the user signed in there
 * (OIDC amr and acr, SAML AuthnContextClassRef): multi-factor when one of them
 * is among the IdP's multi-factor values.
 */
export function readAssertion(idp: Idp, payload: Claims, contexts: string[]): Assertion {
  const federationId = text(payload, idp.claims.federationId);
  if (!federationId || federationId.length > 500) throw new FederationError(403, 'MISSING_CLAIM', `The identity provider did not say who you are (${idp.claims.federationId}).`);
  const rawOri = text(payload, idp.claims.ori)?.trim().toUpperCase();
  if (!rawOri || !ORI.test(rawOri)) throw new FederationError(403, 'MISSING_CLAIM', `The identity provider did not name your agency (${idp.claims.ori}).`);
  const email = text(payload, idp.claims.email)?.trim().toLowerCase();
  const multiFactor = contexts.some((v) => idp.multiFactor.includes(v));
  return {
    federationId,
    ori: rawOri,
    name: displayName(text(payload, idp.claims.givenName), text(payload, idp.claims.surname)),
    email: email && EMAIL.test(email) ? email : null,
    multiFactor,
  };
}

export interface Provisioned {
  userId: string;
  status: UserStatus;
  provisioned: boolean;
  transferredFrom: string | null;
  agencyId: string;
}

/** An address no one can hold, for an account whose asserted email another account already has (or that has none). */
const placeholderEmail = (idpId: string, federationId: string) =>
  `fed-${createHash('sha256').update(`${idpId}\n${federationId}`).digest('hex').slice(0, 32)}@federated.invalid`;

/**
 * Finds or makes the account for (IdP, federation id), in `trx`. Refuses an
 * ORI outside the IdP's list or of no agency, and a locked, suspended or
 * removed account (a transfer never revives one). A new account, or one whose
 * ORI changed, is pending unless the IdP's vetting counts (then active).
 */
export async function provision(trx: Kysely<Database>, idp: Idp, a: Assertion, no: boolean | number): Promise<Provisioned> {
  if (!idp.oris.includes(a.ori)) throw new FederationError(403, 'ORI_NOT_ALLOWED', `${idp.displayName} may not sign in users of agency ${a.ori}.`);
  const agency = await trx.selectFrom('agency').select('id').where('ori', '=', a.ori).executeTakeFirst();
  if (!agency) throw new FederationError(403, 'UNKNOWN_AGENCY', `No agency has the ORI ${a.ori}.`);
  const at = now(trx);
  const arrived: UserStatus = idp.vettingCounts ? 'active' : 'pending';
  const link = await trx
    .selectFrom('federated_identity')
    .innerJoin('profile', 'profile.user_id', 'federated_identity.user_id')
    .innerJoin('user', 'user.id', 'federated_identity.user_id')
    .select(['federated_identity.user_id', 'profile.agency_id', 'profile.status', 'profile.locked_at', 'user.name'])
    .where('federated_identity.idp_id', '=', idp.id)
    .where('federated_identity.federation_id', '=', a.federationId)
    .executeTakeFirst();
  if (link) {
    if (link.locked_at) throw new FederationError(403, 'ACCOUNT_LOCKED', 'This account is locked after too many failed sign-ins. Ask your agency administrator to unlock it.');
    if (link.status === 'suspended' || link.status === 'removed') throw new FederationError(403, 'ACCOUNT_DISABLED', 'This account is not active. Contact your agency administrator.');
    const transfer = link.agency_id !== agency.id;
    // A transfer is vetted again (unless the IdP's vetting counts); an IdP whose vetting counts approves a pending account.
    const status: UserStatus = transfer ? arrived : idp.vettingCounts ? 'active' : link.status;
    await trx
      .updateTable('profile')
      .set({ agency_id: agency.id, status, ...(transfer && { agency_admin: 0 }), updated_at: at })
      .where('user_id', '=', link.user_id)
      .execute();
    await trx.updateTable('user').set({ name: a.name, updatedAt: at }).where('id', '=', link.user_id).execute();
    // What others see of this officer changed (their posts' byline, their own widgets' account): said live,
    // as an edit of the profile is (and it moves the version of every shared feed page: posts/page-cache.ts).
    const fields = [...(link.name !== a.name ? ['name'] : []), ...(transfer ? ['agency'] : [])];
    if (fields.length > 0) await recordEvent(trx, { type: 'profile.changed', userId: link.user_id, content: false, payload: { fields } });
    await trx.updateTable('federated_identity').set({ email: a.email, last_sign_in_at: at }).where('idp_id', '=', idp.id).where('federation_id', '=', a.federationId).execute();
    return { userId: link.user_id, status, provisioned: false, transferredFrom: transfer ? link.agency_id : null, agencyId: agency.id };
  }
  // A new account. Its email is the asserted one only when no account has it: a federated
  // identity is never joined to an existing account by email (nor blocked by one).
  const taken = a.email ? await trx.selectFrom('user').select('id').where('email', '=', a.email).executeTakeFirst() : undefined;
  const email = a.email && !taken ? a.email : placeholderEmail(idp.id, a.federationId);
  const userId = randomBytes(16).toString('hex');
  await trx.insertInto('user').values({ id: userId, name: a.name, email, emailVerified: no, image: null, createdAt: at, updatedAt: at, twoFactorEnabled: no }).execute();
  await trx
    .insertInto('profile')
    .values({ user_id: userId, agency_id: agency.id, status: arrived, title: null, mobile: null, opted_in: 0, opted_in_at: null, created_at: at, updated_at: at })
    .execute();
  await trx.insertInto('federated_identity').values({ idp_id: idp.id, federation_id: a.federationId, user_id: userId, email: a.email, created_at: at, last_sign_in_at: at }).execute();
  return { userId, status: arrived, provisioned: true, transferredFrom: null, agencyId: agency.id };
}

/**
 * Keeps an ID token's `jti` (or a SAML assertion's ID) until it expires: false
 * when it was used before (a replay), in any process (one row, ON CONFLICT DO NOTHING).
 */
export async function claimJti(trx: Kysely<Database>, idpId: string, jti: string, expiresAt: Date, at: Date): Promise<boolean> {
  await trx.deleteFrom('federation_jti').where('expires_at', '<', at.toISOString()).execute();
  const inserted = await trx
    .insertInto('federation_jti')
    .values({ idp_id: idpId, jti, expires_at: expiresAt.toISOString() })
    .onConflict((oc) => oc.columns(['idp_id', 'jti']).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
}
