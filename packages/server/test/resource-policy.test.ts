import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { administerPortal, gate, portalGate, type Actor, type Decision } from '../src/authz.ts';

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
