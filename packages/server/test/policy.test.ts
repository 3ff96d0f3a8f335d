import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decide, type Access, type Actor, type CommunityRow, type Decision } from '../src/authz.ts';
import type { Role } from '../src/db/schema.ts';
import { answerTopic, deleteReply, deleteTopic, editReply, editTopic, replyToTopic } from '../src/forums/policy.ts';
import { EDIT_WINDOW_MS, administerUsers, changeActivity, changeUser, contentRights, deletePost, editActivity, editPost, makeTemplate, removeMember, type ContentRights } from '../src/policy.ts';

/*
 * The rules as pure functions: the community rule (decide) and the per-object
 * rules beside it (policy.ts), stated here case by case with no database and
 * no request. The HTTP tests (permissions, forums, posts, activities) check
 * that the routes ask them.
 */

const actor = (over: Partial<Actor> = {}): Actor => ({ userId: 'me', status: 'active', optedIn: true, siteAdmin: false, agencyId: 'a', agencyAdmin: false, ...over });
const community = (over: Partial<CommunityRow> = {}): CommunityRow =>
  ({ id: 'c1', parent_id: null, slug: 'c', name: 'C', description: '', banner_url: null, tags: '[]', visibility: 'public', settings: '{}', created_by: 'x', archived_at: null, created_at: '', updated_at: '', ...over });
function access(role: Role | null, over: { actor?: Partial<Actor>; community?: Partial<CommunityRow> } = {}): Access {
  const c = community(over.community);
  const memberships = new Map(role ? [[c.id, { community_id: c.id, role, state: 'active' as const }]] : []);
  return { actor: actor(over.actor), community: c, chain: [c], memberships, role, own: memberships.get(c.id) ?? null, parentMember: true };
}
const rights = (kind: 'outsider' | 'member' | 'moderator', userId = 'me'): ContentRights => ({ actor: actor({ userId }), member: kind !== 'outsider', moderator: kind === 'moderator' });
const code = (d: Decision) => (d.allow ? 'ALLOW' : `${d.status} ${d.code}`);

describe('decide(): the community rule', () => {
  it('lets members write, moderators moderate, and hides a restricted community from outsiders', () => {
    assert.equal(code(decide(access('member'), 'content.write')), 'ALLOW');
    assert.equal(code(decide(access('member'), 'content.moderate')), '403 MODERATOR_REQUIRED');
    assert.equal(code(decide(access('moderator'), 'content.moderate')), 'ALLOW');
    assert.equal(code(decide(access(null), 'content.write')), '403 MEMBERSHIP_REQUIRED');
    assert.equal(code(decide(access(null, { community: { visibility: 'restricted' } }), 'content.read')), '404 NOT_FOUND');
    assert.equal(code(decide(access(null, { actor: { siteAdmin: true }, community: { visibility: 'restricted' } }), 'content.moderate')), 'ALLOW');
    assert.equal(code(decide(access('owner', { community: { archived_at: '2026-01-01T00:00:00.000Z' } }), 'content.write')), '409 ARCHIVED');
    assert.equal(code(decide(access('owner', { actor: { status: 'pending' } }), 'content.read')), '403 ACCOUNT_PENDING');
  });

  it('gives content rights as its own answers', () => {
    assert.deepEqual(
      (['member', 'moderator', 'owner', null] as const).map((r) => {
        const { member, moderator } = contentRights(access(r));
        return { member, moderator };
      }),
      [
        { member: true, moderator: false },
        { member: true, moderator: true },
        { member: true, moderator: true },
        { member: false, moderator: false },
      ],
    );
    // Archived: no one writes, moderators still moderate.
    assert.deepEqual(contentRights(access('moderator', { community: { archived_at: '2026-01-01T00:00:00.000Z' } })).member, false);
  });
});

describe('per-object rules', () => {
  const mine = { author_id: 'me', locked: 0, question: 1 };
  const theirs = { author_id: 'them', locked: 0, question: 1 };
  const lockedMine = { ...mine, locked: 1 };

  it('topics: replying, editing and answering', () => {
    assert.equal(code(replyToTopic(rights('member'), mine)), 'ALLOW');
    assert.equal(code(replyToTopic(rights('member'), lockedMine)), '403 TOPIC_LOCKED');
    assert.equal(code(replyToTopic(rights('moderator'), lockedMine)), 'ALLOW');
    assert.equal(code(replyToTopic(rights('outsider'), mine)), '403 MEMBERSHIP_REQUIRED');

    assert.equal(code(editTopic(rights('member'), mine)), 'ALLOW');
    assert.equal(code(editTopic(rights('member'), theirs)), '403 AUTHOR_REQUIRED');
    assert.equal(code(editTopic(rights('member'), lockedMine)), '403 TOPIC_LOCKED');
    assert.equal(code(editTopic(rights('moderator'), { ...theirs, locked: 1 })), 'ALLOW');

    assert.equal(code(answerTopic(rights('member'), mine)), 'ALLOW');
    assert.equal(code(answerTopic(rights('member'), theirs)), '403 ASKER_REQUIRED');
    assert.equal(code(answerTopic(rights('moderator'), theirs)), 'ALLOW');
    assert.equal(code(answerTopic(rights('moderator'), { ...theirs, question: 0 })), '409 NOT_A_QUESTION');
    assert.equal(code(answerTopic(rights('outsider'), mine)), '403 MEMBERSHIP_REQUIRED');
  });

  it('topics: their author deletes them only while no one else has replied', () => {
    assert.equal(code(deleteTopic(rights('member'), mine, false)), 'ALLOW');
    assert.equal(code(deleteTopic(rights('member'), mine, true)), '403 MODERATOR_REQUIRED');
    assert.equal(code(deleteTopic(rights('member'), theirs, false)), '403 MODERATOR_REQUIRED');
    assert.equal(code(deleteTopic(rights('moderator'), theirs, true)), 'ALLOW');
    // An author who has left the community is no longer its member.
    assert.equal(code(deleteTopic(rights('outsider'), mine, false)), '403 MODERATOR_REQUIRED');
  });

  it('replies: their author edits while unlocked; author or moderator deletes', () => {
    assert.equal(code(editReply(rights('member'), mine, mine)), 'ALLOW');
    assert.equal(code(editReply(rights('member'), theirs, mine)), '403 AUTHOR_REQUIRED');
    assert.equal(code(editReply(rights('moderator'), theirs, mine)), '403 AUTHOR_REQUIRED');
    assert.equal(code(editReply(rights('member'), mine, lockedMine)), '403 TOPIC_LOCKED');
    assert.equal(code(editReply(rights('moderator'), mine, lockedMine)), 'ALLOW');

    assert.equal(code(deleteReply(rights('member'), mine)), 'ALLOW');
    assert.equal(code(deleteReply(rights('member'), theirs)), '403 MODERATOR_REQUIRED');
    assert.equal(code(deleteReply(rights('outsider'), mine)), '403 MODERATOR_REQUIRED');
    assert.equal(code(deleteReply(rights('moderator'), theirs)), 'ALLOW');
  });

  it('posts: their author edits for 15 minutes; author or moderator deletes', () => {
    const at = new Date('2026-12-06T12:00:00.000Z');
    const post = (author_id: string, ageMs: number) => ({ author_id, created_at: new Date(at.getTime() - ageMs).toISOString() });
    assert.equal(code(editPost(actor(), post('me', 0), at)), 'ALLOW');
    assert.equal(code(editPost(actor(), post('me', EDIT_WINDOW_MS), at)), 'ALLOW');
    assert.equal(code(editPost(actor(), post('me', EDIT_WINDOW_MS + 1), at)), '409 EDIT_WINDOW_CLOSED');
    assert.equal(code(editPost(actor(), post('them', 0), at)), '403 AUTHOR_REQUIRED');

    assert.equal(code(deletePost(actor(), post('me', 0), false)), 'ALLOW');
    assert.equal(code(deletePost(actor(), post('them', 0), false)), '403 MODERATOR_REQUIRED');
    assert.equal(code(deletePost(actor(), post('them', 0), true)), 'ALLOW');
  });

  it('activities: templates are the moderators’; the activity itself its owner’s or a moderator’s', () => {
    assert.equal(code(changeActivity(rights('member'), { is_template: 0 })), 'ALLOW');
    assert.equal(code(changeActivity(rights('member'), { is_template: 1 })), '403 MODERATOR_REQUIRED');
    assert.equal(code(changeActivity(rights('moderator'), { is_template: 1 })), 'ALLOW');
    assert.equal(code(makeTemplate(rights('member'))), '403 MODERATOR_REQUIRED');
    assert.equal(code(makeTemplate(rights('moderator'))), 'ALLOW');

    assert.equal(code(editActivity(rights('member'), { owner_id: 'me' })), 'ALLOW');
    assert.equal(code(editActivity(rights('member'), { owner_id: 'them' })), '403 OWNER_REQUIRED');
    assert.equal(code(editActivity(rights('outsider'), { owner_id: 'me' })), '403 OWNER_REQUIRED');
    assert.equal(code(editActivity(rights('moderator'), { owner_id: 'them' })), 'ALLOW');
  });

  it('memberships: only an owner removes a moderator or owner', () => {
    assert.equal(code(removeMember(access('moderator'), { role: 'member' })), 'ALLOW');
    assert.equal(code(removeMember(access('moderator'), { role: 'moderator' })), '403 OWNER_REQUIRED');
    assert.equal(code(removeMember(access('owner'), { role: 'owner' })), 'ALLOW');
    assert.equal(code(removeMember(access(null, { actor: { siteAdmin: true } }), { role: 'owner' })), 'ALLOW');
  });
});

describe('user administration rules', () => {
  it('agency and site administrators administer users; only a site administrator changes or unlocks a site administrator', () => {
    assert.equal(code(administerUsers(actor())), '403 ADMIN_REQUIRED');
    assert.equal(code(administerUsers(actor({ agencyAdmin: true }))), 'ALLOW');
    assert.equal(code(administerUsers(actor({ agencyAdmin: true, agencyId: null }))), '403 ADMIN_REQUIRED');
    assert.equal(code(administerUsers(actor({ siteAdmin: true, status: 'suspended' }))), '403 ADMIN_REQUIRED');
    assert.equal(code(administerUsers(actor({ siteAdmin: true }))), 'ALLOW');
    assert.equal(code(changeUser(actor({ agencyAdmin: true }), { site_admin: 0 }, 'change')), 'ALLOW');
    assert.equal(code(changeUser(actor({ agencyAdmin: true }), { site_admin: 1 }, 'unlock')), '403 SITE_ADMIN_REQUIRED');
    assert.equal(code(changeUser(actor({ siteAdmin: true }), { site_admin: 1 }, 'change')), 'ALLOW');
  });
});
