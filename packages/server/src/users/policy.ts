import { ALLOW, forbid, type Actor, type Decision } from '../authz.ts';

/*
 * Who administers user accounts (routes/users.ts), as pure rules beside
 * `decide()`: no request, no database.
 */

/** An active site administrator (everyone), or an active agency administrator (their agency's users). */
export function administerUsers(actor: Actor): Decision {
  if (actor.status !== 'active' || !(actor.siteAdmin || (actor.agencyAdmin && actor.agencyId))) return forbid('ADMIN_REQUIRED', 'Only an agency or site administrator may do that.');
  return ALLOW;
}

/** A site administrator's account is approved, suspended, removed or unlocked by a site administrator only. */
export function changeUser(admin: Actor, target: { site_admin: number | boolean }, change: 'change' | 'unlock'): Decision {
  if (target.site_admin && !admin.siteAdmin) return forbid('SITE_ADMIN_REQUIRED', `Only a site administrator may ${change} a site administrator.`);
  return ALLOW;
}
