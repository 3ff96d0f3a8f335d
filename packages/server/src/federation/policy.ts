import type { Actor, Decision } from '../authz.ts';
import { ALLOW, conflict, forbid } from '../policy.ts';

/*
 * Identity providers' rules: pure functions of the actor and the provider,
 * each answering a Decision (no request, no HTTP error, no database).
 */

/** Register, list, change, disable or enable identity providers: an active site administrator. */
export function manageIdentityProviders(actor: Actor): Decision {
  return actor.status === 'active' && actor.siteAdmin ? ALLOW : forbid('SITE_ADMIN_REQUIRED', 'Only a site administrator may do that.');
}

/** A provider listed in JC_IDENTITY_PROVIDERS_FILE is changed in that file, not through the API (the next start would undo it). */
export function changeProvider(provider: { source: 'api' | 'file' }): Decision {
  return provider.source === 'file' ? conflict('PROVIDER_FROM_FILE', 'This identity provider comes from the deployment’s providers file: change it there.') : ALLOW;
}
