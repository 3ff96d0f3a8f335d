import { ALLOW, conflict, type Actor, type Decision } from '../authz.ts';
import type { Selectable } from 'kysely';
import type { ServiceTable } from '../db/schema.ts';

/*
 * The service directory's per-object rules: pure functions of the actor and
 * the service or access request, beside the portal's account gates
 * (authz.ts portalGate, administerPortal). The views ask `hasAccess` for
 * what each reader sees; the routes ask the others before a change.
 */

/** Does the actor have this service? Everyone-services, their agency or role, or a grant; site administrators have all. */
export function hasAccess(actor: Actor, service: Pick<Selectable<ServiceTable>, 'id' | 'access_rule'>, rules: { kind: 'agency' | 'role'; value: string }[], granted: boolean): boolean {
  if (service.access_rule === 'everyone' || actor.siteAdmin || granted) return true;
  return rules.some(
    (r) => (r.kind === 'agency' && r.value === actor.agencyId) || (r.kind === 'role' && ((r.value === 'agency-admin' && actor.agencyAdmin) || (r.value === 'site-admin' && actor.siteAdmin))),
  );
}

/** Ask for access to a service: not when one has it, nor while a request waits. */
export function requestAccess(service: { hasAccess: boolean; accessRequest: { state: 'pending' | 'granted' | 'denied' } | null }): Decision {
  if (service.hasAccess) return conflict('ALREADY_HAS_ACCESS', 'You already have access to this service.');
  if (service.accessRequest?.state === 'pending') return conflict('ALREADY_REQUESTED', 'Your request is waiting for an administrator.');
  return ALLOW;
}

/** Grant or deny an access request: once, while it waits. */
export function decideAccessRequest(request: { state: 'pending' | 'granted' | 'denied' }): Decision {
  return request.state === 'pending' ? ALLOW : conflict('ALREADY_DECIDED', `This request was already ${request.state}.`);
}
