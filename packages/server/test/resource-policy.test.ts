import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { administerPortal, gate, portalGate, type Access, type Actor, type Decision } from '../src/authz.ts';
import { changeRole, inviteMember, joinedAs, removeMember, removeOther } from '../src/communities/policy.ts';
import { decideAccessRequest, hasAccess, requestAccess } from '../src/services/policy.ts';
import { dismissAnnouncement, inAudience, shownTo } from '../src/announcements/policy.ts';

/*
 * The rules each resource keeps in its folder's policy.ts (and the portal's
 * account gates beside decide() in authz.ts), stated case by case as pure
 * functions: no database, no request. The HTTP tests (permissions, services,
 * announcements, communities) check that the routes ask them.
 */

const actor = (over: Partial<Actor> = {}): Actor => ({ userId: 'me', status: 'active', optedIn: true, siteAdmin: false, agencyId: 'a', agencyAdmin: false, ...over });
const code = (d: Decision) => (d.allow ? 'ALLOW' : `${d.status} ${d.code}`);

describe('the portal’s account gates (authz.ts)', () => {
  it('lets an active account in without the opt-in; a pending or disabled one answers why', () => {
    assert.equal(code(portalGate(actor({ optedIn: false }))), 'ALLOW');
    assert.equal(code(portalGate(actor({ status: 'pending' }))), '403 ACCOUNT_PENDING');
    assert.equal(code(portalGate(actor({ status: 'suspended' }))), '403 ACCOUNT_DISABLED');
    // The community gate is the same, then the opt-in.
    assert.equal(code(gate(actor({ optedIn: false }))), '403 OPT_IN_REQUIRED');
    assert.equal(code(gate(actor({ status: 'pending', optedIn: false }))), '403 ACCOUNT_PENDING');
  });

  it('lets only an active site administrator administer the portal', () => {
    assert.equal(code(administerPortal(actor({ siteAdmin: true, optedIn: false }))), 'ALLOW');
    assert.equal(code(administerPortal(actor())), '403 SITE_ADMIN_REQUIRED');
    assert.equal(code(administerPortal(actor({ agencyAdmin: true }))), '403 SITE_ADMIN_REQUIRED');
    // The account's own state answers first.
    assert.equal(code(administerPortal(actor({ siteAdmin: true, status: 'pending' }))), '403 ACCOUNT_PENDING');
  });
});

describe('communities (communities/policy.ts)', () => {
  const community = (visibility: 'public' | 'moderated' | 'restricted') => ({ visibility }) as Access['community'];
  const own = (state: 'active' | 'requested' | 'invited') => ({ community_id: 'c1', role: 'member' as const, state });

  it('joining: a public community or an invitation at once, anything else a request', () => {
    assert.equal(joinedAs({ community: community('public'), own: null }), 'active');
    assert.equal(joinedAs({ community: community('moderated'), own: null }), 'requested');
    assert.equal(joinedAs({ community: community('restricted'), own: own('invited') }), 'active');
    assert.equal(joinedAs({ community: community('moderated'), own: own('invited') }), 'active');
  });

  it('removing: never oneself by id; moderators and owners only by an owner or a site administrator', () => {
    assert.equal(code(removeOther({ actor: actor() }, 'me')), '409 USE_LEAVE');
    assert.equal(code(removeOther({ actor: actor() }, 'them')), 'ALLOW');
    assert.equal(code(removeMember({ actor: actor(), role: 'moderator' }, { role: 'member' })), 'ALLOW');
    assert.equal(code(removeMember({ actor: actor(), role: 'moderator' }, { role: 'moderator' })), '403 OWNER_REQUIRED');
    assert.equal(code(removeMember({ actor: actor(), role: 'owner' }, { role: 'owner' })), 'ALLOW');
    assert.equal(code(removeMember({ actor: actor({ siteAdmin: true }), role: null }, { role: 'owner' })), 'ALLOW');
  });

  it('roles: a community keeps at least one owner', () => {
    assert.equal(code(changeRole({ role: 'owner' }, 'member', 1)), '409 LAST_OWNER');
    assert.equal(code(changeRole({ role: 'owner' }, 'moderator', 2)), 'ALLOW');
    assert.equal(code(changeRole({ role: 'owner' }, 'owner', 1)), 'ALLOW');
    assert.equal(code(changeRole({ role: 'member' }, 'owner', 1)), 'ALLOW');
  });

  it('invitations by name: not to a member; a request to join is answered by one', () => {
    assert.equal(code(inviteMember(own('active'))), '409 ALREADY_MEMBER');
    assert.equal(code(inviteMember(own('requested'))), 'ALLOW');
    assert.equal(code(inviteMember(own('invited'))), 'ALLOW');
    assert.equal(code(inviteMember(undefined)), 'ALLOW');
  });
});

describe('the service directory (services/policy.ts)', () => {
  const everyone = { id: 's', access_rule: 'everyone' as const };
  const restricted = { id: 's', access_rule: 'restricted' as const };

  it('who has a service: everyone-services, an agency or role named, a grant; site administrators all', () => {
    assert.equal(hasAccess(actor(), everyone, [], false), true);
    assert.equal(hasAccess(actor(), restricted, [], false), false);
    assert.equal(hasAccess(actor(), restricted, [{ kind: 'agency', value: 'a' }], false), true);
    assert.equal(hasAccess(actor(), restricted, [{ kind: 'agency', value: 'b' }], false), false);
    assert.equal(hasAccess(actor({ agencyAdmin: true }), restricted, [{ kind: 'role', value: 'agency-admin' }], false), true);
    assert.equal(hasAccess(actor(), restricted, [{ kind: 'role', value: 'agency-admin' }], false), false);
    assert.equal(hasAccess(actor(), restricted, [], true), true);
    assert.equal(hasAccess(actor({ siteAdmin: true }), restricted, [], false), true);
  });

  it('asking for access: not with access, nor while a request waits; again after a denial', () => {
    assert.equal(code(requestAccess({ hasAccess: true, accessRequest: null })), '409 ALREADY_HAS_ACCESS');
    assert.equal(code(requestAccess({ hasAccess: false, accessRequest: { state: 'pending' } })), '409 ALREADY_REQUESTED');
    assert.equal(code(requestAccess({ hasAccess: false, accessRequest: { state: 'denied' } })), 'ALLOW');
    assert.equal(code(requestAccess({ hasAccess: false, accessRequest: null })), 'ALLOW');
  });

  it('an access request is decided once', () => {
    assert.equal(code(decideAccessRequest({ state: 'pending' })), 'ALLOW');
    assert.equal(code(decideAccessRequest({ state: 'granted' })), '409 ALREADY_DECIDED');
    const denied = decideAccessRequest({ state: 'denied' });
    assert.equal(denied.allow === false && denied.message, 'This request was already denied.');
  });
});

describe('announcements (announcements/policy.ts)', () => {
  type Row = Parameters<typeof inAudience>[0];
  const row = (id: string, severity: Row['severity'], audience: Pick<Row, 'audience_kind' | 'audience'> = { audience_kind: 'everyone', audience: '[]' }) =>
    ({ id, severity, title: id, body: '', starts_at: '', ends_at: null, ...audience }) as Row;

  it('is for everyone, an agency or a role; signed out, only everyone’s', () => {
    const forAgency = row('a', 'information', { audience_kind: 'agencies', audience: '["a"]' });
    const forAdmins = row('r', 'information', { audience_kind: 'roles', audience: '["agency-admin"]' });
    assert.equal(inAudience(row('e', 'information'), null), true);
    assert.equal(inAudience(forAgency, null), false);
    assert.equal(inAudience(forAgency, actor()), true);
    assert.equal(inAudience(forAgency, actor({ agencyId: 'b' })), false);
    assert.equal(inAudience(forAdmins, actor()), false);
    assert.equal(inAudience(forAdmins, actor({ agencyAdmin: true })), true);
  });

  it('shows the reader’s, most severe first, less those dismissed; an emergency stays', () => {
    const rows = [row('i', 'information'), row('x', 'emergency'), row('w', 'warning'), row('s', 'success')];
    assert.deepEqual(shownTo(rows, null, new Set()).map((r) => r.id), ['x', 'w', 'i', 's']);
    assert.deepEqual(shownTo(rows, actor(), new Set(['x', 'w'])).map((r) => r.id), ['x', 'i', 's']);
    assert.equal(code(dismissAnnouncement({ severity: 'emergency' })), '409 NOT_DISMISSIBLE');
    assert.equal(code(dismissAnnouncement({ severity: 'warning' })), 'ALLOW');
  });
});
