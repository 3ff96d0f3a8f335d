import { ALLOW, conflict, forbid, type Access, type Decision } from '../authz.ts';
import type { MembershipState, Role } from '../db/schema.ts';

/*
 * The communities' per-object rules (who belongs, in which role), beside the
 * community rule (`decide()`, authz.ts), which has already let the actor
 * manage members or change roles: pure functions of the caller's access and
 * the membership concerned, each answering a Decision.
 */

/** Joining: a public community or an invitation makes a member at once; anything else is a request to approve. */
export function joinedAs(access: Pick<Access, 'community' | 'own'>): 'active' | 'requested' {
  return access.own?.state === 'invited' || access.community.visibility === 'public' ? 'active' : 'requested';
}

/** Remove someone by id: never oneself (leaving is how, with its own answer). */
export function removeOther(access: Pick<Access, 'actor'>, userId: string): Decision {
  return userId === access.actor.userId ? conflict('USE_LEAVE', 'To remove yourself, leave the community.') : ALLOW;
}

/** Remove a member: a moderator or owner may be removed only by an owner (or a site administrator). */
export function removeMember(access: Pick<Access, 'actor' | 'role'>, target: { role: string }): Decision {
  return target.role === 'member' || access.role === 'owner' || access.actor.siteAdmin ? ALLOW : forbid('OWNER_REQUIRED', 'Only an owner may remove a moderator or owner.');
}

/** Change a member's role: a community keeps at least one owner (`owners`: how many it has now). */
export function changeRole(target: { role: Role }, role: Role, owners: number): Decision {
  return target.role === 'owner' && role !== 'owner' && owners <= 1 ? conflict('LAST_OWNER', 'A community keeps at least one owner.') : ALLOW;
}

/** Invite someone chosen by name: not a member already (one who asked to join is let in by it). */
export function inviteMember(existing: { state: MembershipState } | undefined): Decision {
  return existing?.state === 'active' ? conflict('ALREADY_MEMBER', 'That user is already a member.') : ALLOW;
}
