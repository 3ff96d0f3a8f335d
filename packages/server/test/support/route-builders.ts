import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../src/db/database.ts';
import { NOTICE } from '../../src/routes/notice.ts';
import { PASSWORD, TEST_ORI, uniqueEmail } from '../helpers.ts';
import { community, type Caller } from './concurrency.ts';
import { request, type Reply, type ServerProcess } from './processes.ts';

/*
 * For every state-changing route of the OpenAPI document ("METHOD /path"), how
 * to make one valid request to it: the concurrency suite sends it N times at
 * once and wants no 5xx. A route without an entry fails the suite, so a new
 * route is covered by default or someone says here how to call it. An
 * exemption names why the route is not fired here and where it is tested.
 */

export interface Fixtures {
  db: Db;
  servers: ServerProcess[];
  users: Record<'owner' | 'owner2' | 'moderator' | 'member' | 'member2' | 'admin' | 'admin2', Caller>;
  api: (server: ServerProcess, who: Caller, method: string, url: string, body?: unknown) => Promise<Reply>;
}

export interface Made {
  as: Caller;
  url: string;
  body?: unknown;
  method?: string;
}

type Builder = ((f: Fixtures) => Promise<Made>) | `exempt: ${string}`;

const ok = (r: Reply, status = [200, 201]) => {
  assert.ok(status.includes(r.status), `fixture: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
const call = (f: Fixtures, who: Caller, method: string, url: string, body?: unknown) => f.api(f.servers[0]!, who, method, url, body).then((r) => ok(r));

/** A fresh public community: owner, moderator and member in it; member2 not. */
const place = (f: Fixtures, visibility: 'public' | 'moderated' | 'restricted' = 'public', extra: [string, 'member', 'active' | 'invited' | 'requested'][] = []) =>
  community(f.db, visibility, [[f.users.owner.id, 'owner'], [f.users.moderator.id, 'moderator'], [f.users.member.id, 'member'], ...extra]);

async function forum(f: Fixtures) {
  const id = await place(f);
  const forumId = (await call(f, f.users.owner, 'POST', `/communities/${id}/forums`, { name: 'General' })).id as string;
  return { id, forumId };
}
async function topic(f: Fixtures, question = false) {
  const { id, forumId } = await forum(f);
  const topicId = (await call(f, f.users.member, 'POST', `/communities/${id}/topics`, { forumId, title: 'Topic', body: 'Body', question })).id as string;
  return { id, forumId, topicId };
}
async function reply(f: Fixtures, question = false) {
  const t = await topic(f, question);
  const replyId = (await call(f, f.users.member, 'POST', `/topics/${t.topicId}/replies`, { body: 'Reply' })).id as string;
  return { ...t, replyId };
}
async function post(f: Fixtures) {
  const id = await place(f);
  const postId = (await call(f, f.users.member, 'POST', `/communities/${id}/posts`, { body: 'Post' })).id as string;
  return { id, postId };
}
async function activity(f: Fixtures) {
  const id = await place(f);
  const made = await call(f, f.users.member, 'POST', `/communities/${id}/activities`, { title: 'Activity', steps: [{ title: 'One' }, { title: 'Two' }] });
  return { id, activityId: made.id as string, stepId: made.steps[0].id as string };
}
async function service(f: Fixtures, restricted = false) {
  return (await call(f, f.users.admin, 'POST', '/services', { name: 'Svc', icon: 'search', url: 'https://example.test/', ...(restricted && { access: { rule: 'restricted' } }) })).id as string;
}
async function accessRequest(f: Fixtures) {
  const serviceId = await service(f, true);
  return (await call(f, f.users.member2, 'POST', `/services/${serviceId}/access-requests`, {})).id as string;
}
async function announcement(f: Fixtures) {
  return (await call(f, f.users.admin, 'POST', '/announcements', { severity: 'information', title: 'Notice' })).id as string;
}
/** A new account, signed up and still waiting for approval. */
async function newcomer(f: Fixtures) {
  const email = uniqueEmail('newcomer');
  ok(await request(f.servers[0]!, 'POST', '/api/auth/sign-up/email', { body: { name: 'New Comer', email, password: PASSWORD, agencyOri: TEST_ORI }, headers: { 'x-forwarded-for': `203.0.113.${1 + (randomBytes(1)[0]! % 250)}` } }));
  return (await f.db.kysely.selectFrom('user').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
}
const later = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

const AUTH = 'exempt: the account flows (rate limits, lockout, one-time codes) are fired in bursts by security.test.ts and scale-out.test.ts';

export const routeBuilders: Record<string, Builder> = {
  'POST /api/auth/sign-up/email': AUTH,
  'POST /api/auth/sign-in/email': AUTH,
  'POST /api/auth/sign-out': AUTH,
  'POST /api/auth/two-factor/enable': AUTH,
  'POST /api/auth/two-factor/verify-totp': AUTH,
  'POST /api/auth/two-factor/verify-backup-code': AUTH,
  'POST /api/v1/communities/{ref}/files': 'exempt: a multipart upload; concurrent uploads are the upload tests’ (files-review.test.ts)',
  'POST /api/v1/notice/accept': async (f) => ({ as: f.users.member, url: '/notice/accept', body: { version: NOTICE.version } }),
  'PATCH /api/v1/me': async (f) => ({ as: f.users.member, url: '/me', body: { title: 'Detective' } }),
  'POST /api/v1/agencies': async (f) => ({ as: f.users.admin, url: '/agencies', body: { name: 'Raced Agency', ori: `TX${randomBytes(3).toString('hex').toUpperCase().slice(0, 5)}00` } }),
  'PUT /api/v1/agencies/{ori}/admins/{userId}': async (f) => ({ as: f.users.admin, url: `/agencies/${TEST_ORI}/admins/${f.users.member2.id}` }),
  'DELETE /api/v1/agencies/{ori}/admins/{userId}': async (f) => ({ as: f.users.admin, url: `/agencies/${TEST_ORI}/admins/${f.users.member2.id}` }),
  'PUT /api/v1/users/{id}/follow': async (f) => ({ as: f.users.member, url: `/users/${f.users.owner.id}/follow` }),
  'DELETE /api/v1/users/{id}/follow': async (f) => ({ as: f.users.member, url: `/users/${f.users.owner.id}/follow` }),
  'POST /api/v1/users/{id}/approve': async (f) => ({ as: f.users.admin, url: `/users/${await newcomer(f)}/approve` }),
  'POST /api/v1/users/{id}/suspend': async (f) => ({ as: f.users.admin, url: `/users/${await newcomer(f)}/suspend` }),
  'POST /api/v1/users/{id}/remove': async (f) => ({ as: f.users.admin, url: `/users/${await newcomer(f)}/remove` }),
  'POST /api/v1/users/{id}/unlock': async (f) => ({ as: f.users.admin, url: `/users/${await newcomer(f)}/unlock` }),
  'POST /api/v1/communities': async (f) => ({ as: f.users.member, url: '/communities', body: { name: `Raced ${randomUUID().slice(0, 8)}` } }),
  'PATCH /api/v1/communities/{ref}': async (f) => ({ as: f.users.owner, url: `/communities/${await place(f)}`, body: { description: 'Changed' } }),
  'POST /api/v1/communities/{ref}/archive': async (f) => ({ as: f.users.owner, url: `/communities/${await place(f)}/archive` }),
  'POST /api/v1/communities/{ref}/join': async (f) => ({ as: f.users.member2, url: `/communities/${await place(f)}/join` }),
  'POST /api/v1/communities/{ref}/leave': async (f) => ({ as: f.users.member, url: `/communities/${await place(f)}/leave` }),
  'POST /api/v1/communities/{ref}/members/{userId}/approve': async (f) => ({
    as: f.users.moderator,
    url: `/communities/${await place(f, 'moderated', [[f.users.member2.id, 'member', 'requested']])}/members/${f.users.member2.id}/approve`,
  }),
  'POST /api/v1/communities/{ref}/members/{userId}/deny': async (f) => ({
    as: f.users.moderator,
    url: `/communities/${await place(f, 'moderated', [[f.users.member2.id, 'member', 'requested']])}/members/${f.users.member2.id}/deny`,
  }),
  'DELETE /api/v1/communities/{ref}/members/{userId}': async (f) => ({ as: f.users.owner, url: `/communities/${await place(f)}/members/${f.users.member.id}` }),
  'PATCH /api/v1/communities/{ref}/members/{userId}': async (f) => ({ as: f.users.owner, url: `/communities/${await place(f)}/members/${f.users.member.id}`, body: { role: 'moderator' } }),
  'POST /api/v1/communities/{ref}/invitations': async (f) => ({ as: f.users.owner, url: `/communities/${await place(f)}/invitations`, body: { userId: f.users.member2.id } }),
  'POST /api/v1/communities/{ref}/posts': async (f) => ({ as: f.users.member, url: `/communities/${await place(f)}/posts`, body: { body: 'Raced post' } }),
  'PATCH /api/v1/posts/{id}': async (f) => ({ as: f.users.member, url: `/posts/${(await post(f)).postId}`, body: { body: 'Edited' } }),
  'DELETE /api/v1/posts/{id}': async (f) => ({ as: f.users.member, url: `/posts/${(await post(f)).postId}` }),
  'PUT /api/v1/posts/{id}/reactions/{kind}': async (f) => ({ as: f.users.owner, url: `/posts/${(await post(f)).postId}/reactions/like` }),
  'DELETE /api/v1/posts/{id}/reactions/{kind}': async (f) => {
    const { postId } = await post(f);
    await call(f, f.users.owner, 'PUT', `/posts/${postId}/reactions/like`);
    return { as: f.users.owner, url: `/posts/${postId}/reactions/like` };
  },
  'POST /api/v1/posts/{id}/comments': async (f) => ({ as: f.users.owner, url: `/posts/${(await post(f)).postId}/comments`, body: { body: 'Comment' } }),
  'POST /api/v1/posts/{id}/report': async (f) => ({ as: f.users.owner, url: `/posts/${(await post(f)).postId}/report`, body: { reason: 'Off topic' } }),
  'POST /api/v1/communities/{ref}/forums': async (f) => ({ as: f.users.owner, url: `/communities/${await place(f)}/forums`, body: { name: 'Raced forum' } }),
  'POST /api/v1/communities/{ref}/topics': async (f) => {
    const { id, forumId } = await forum(f);
    return { as: f.users.member, url: `/communities/${id}/topics`, body: { forumId, title: 'Raced', body: 'Body' } };
  },
  'PATCH /api/v1/topics/{id}': async (f) => ({ as: f.users.member, url: `/topics/${(await topic(f)).topicId}`, body: { title: 'Edited', tags: ['one', 'two'] } }),
  'DELETE /api/v1/topics/{id}': async (f) => ({ as: f.users.moderator, url: `/topics/${(await topic(f)).topicId}` }),
  'PUT /api/v1/topics/{id}/pin': async (f) => ({ as: f.users.moderator, url: `/topics/${(await topic(f)).topicId}/pin` }),
  'DELETE /api/v1/topics/{id}/pin': async (f) => ({ as: f.users.moderator, url: `/topics/${(await topic(f)).topicId}/pin` }),
  'PUT /api/v1/topics/{id}/lock': async (f) => ({ as: f.users.moderator, url: `/topics/${(await topic(f)).topicId}/lock` }),
  'DELETE /api/v1/topics/{id}/lock': async (f) => ({ as: f.users.moderator, url: `/topics/${(await topic(f)).topicId}/lock` }),
  'POST /api/v1/topics/{id}/move': async (f) => {
    const { id, topicId } = await topic(f);
    const other = (await call(f, f.users.owner, 'POST', `/communities/${id}/forums`, { name: 'Other' })).id as string;
    return { as: f.users.moderator, url: `/topics/${topicId}/move`, body: { forumId: other } };
  },
  'PUT /api/v1/topics/{id}/follow': async (f) => ({ as: f.users.owner, url: `/topics/${(await topic(f)).topicId}/follow` }),
  'DELETE /api/v1/topics/{id}/follow': async (f) => ({ as: f.users.member, url: `/topics/${(await topic(f)).topicId}/follow` }),
  'PUT /api/v1/topics/{id}/answer': async (f) => {
    const { topicId, replyId } = await reply(f, true);
    return { as: f.users.member, url: `/topics/${topicId}/answer`, body: { replyId } };
  },
  'DELETE /api/v1/topics/{id}/answer': async (f) => ({ as: f.users.member, url: `/topics/${(await topic(f, true)).topicId}/answer` }),
  'POST /api/v1/topics/{id}/flag': async (f) => ({ as: f.users.owner, url: `/topics/${(await topic(f)).topicId}/flag`, body: { reason: 'spam' } }),
  'POST /api/v1/topics/{id}/replies': async (f) => ({ as: f.users.owner, url: `/topics/${(await topic(f)).topicId}/replies`, body: { body: 'Raced reply' } }),
  'PATCH /api/v1/replies/{id}': async (f) => ({ as: f.users.member, url: `/replies/${(await reply(f)).replyId}`, body: { body: 'Edited' } }),
  'DELETE /api/v1/replies/{id}': async (f) => ({ as: f.users.member, url: `/replies/${(await reply(f)).replyId}` }),
  'POST /api/v1/replies/{id}/flag': async (f) => ({ as: f.users.owner, url: `/replies/${(await reply(f)).replyId}/flag`, body: { reason: 'spam' } }),
  'PUT /api/v1/replies/{id}/like': async (f) => ({ as: f.users.owner, url: `/replies/${(await reply(f)).replyId}/like` }),
  'DELETE /api/v1/replies/{id}/like': async (f) => {
    const { replyId } = await reply(f);
    await call(f, f.users.owner, 'PUT', `/replies/${replyId}/like`);
    return { as: f.users.owner, url: `/replies/${replyId}/like` };
  },
  'POST /api/v1/forum-flags/{id}/resolve': async (f) => {
    const { replyId } = await reply(f);
    await call(f, f.users.owner, 'POST', `/replies/${replyId}/flag`, { reason: 'spam' });
    const flag = await f.db.kysely.selectFrom('forum_flag').select('id').where('reply_id', '=', replyId).executeTakeFirstOrThrow();
    return { as: f.users.moderator, url: `/forum-flags/${flag.id}/resolve`, body: { action: 'remove' } };
  },
  'POST /api/v1/communities/{ref}/activities': async (f) => ({ as: f.users.member, url: `/communities/${await place(f)}/activities`, body: { title: 'Raced', steps: [{ title: 'Step' }] } }),
  'PATCH /api/v1/activities/{id}': async (f) => ({ as: f.users.member, url: `/activities/${(await activity(f)).activityId}`, body: { status: 'completed' } }),
  'POST /api/v1/activities/{id}/sections': async (f) => ({ as: f.users.member, url: `/activities/${(await activity(f)).activityId}/sections`, body: { title: 'Section' } }),
  'POST /api/v1/activities/{id}/steps': async (f) => ({ as: f.users.member, url: `/activities/${(await activity(f)).activityId}/steps`, body: { title: 'Another' } }),
  'PATCH /api/v1/steps/{id}': async (f) => ({ as: f.users.member, url: `/steps/${(await activity(f)).stepId}`, body: { title: 'Renamed' } }),
  'DELETE /api/v1/steps/{id}': async (f) => ({ as: f.users.member, url: `/steps/${(await activity(f)).stepId}` }),
  'PUT /api/v1/steps/{id}/done': async (f) => ({ as: f.users.member, url: `/steps/${(await activity(f)).stepId}/done` }),
  'DELETE /api/v1/steps/{id}/done': async (f) => {
    const { stepId } = await activity(f);
    await call(f, f.users.member, 'PUT', `/steps/${stepId}/done`);
    return { as: f.users.owner, url: `/steps/${stepId}/done` };
  },
  'POST /api/v1/steps/{id}/move': async (f) => ({ as: f.users.member, url: `/steps/${(await activity(f)).stepId}/move`, body: { index: 1 } }),
  'POST /api/v1/activities/{id}/updates': async (f) => ({ as: f.users.member, url: `/activities/${(await activity(f)).activityId}/updates`, body: { body: 'Update' } }),
  'POST /api/v1/services': async (f) => ({ as: f.users.admin, url: '/services', body: { id: `svc-${randomBytes(4).toString('hex')}`, name: 'Raced', icon: 'map', url: 'https://example.test/' } }),
  'PATCH /api/v1/services/{id}': async (f) => ({ as: f.users.admin, url: `/services/${await service(f)}`, body: { name: 'Renamed' } }),
  'PUT /api/v1/services/{id}/status': async (f) => ({ as: f.users.admin, url: `/services/${await service(f)}/status`, body: { status: 'degraded' } }),
  'POST /api/v1/services/{id}/maintenance': async (f) => ({ as: f.users.admin, url: `/services/${await service(f)}/maintenance`, body: { startsAt: later(60), endsAt: later(120) } }),
  'DELETE /api/v1/maintenance/{id}': async (f) => {
    const serviceId = await service(f);
    await call(f, f.users.admin, 'POST', `/services/${serviceId}/maintenance`, { startsAt: later(60), endsAt: later(120) });
    const w = await f.db.kysely.selectFrom('maintenance_window').select('id').where('service_id', '=', serviceId).executeTakeFirstOrThrow();
    return { as: f.users.admin, url: `/maintenance/${w.id}` };
  },
  'PUT /api/v1/services/{id}/favorite': async (f) => ({ as: f.users.member, url: `/services/${await service(f)}/favorite` }),
  'DELETE /api/v1/services/{id}/favorite': async (f) => {
    const id = await service(f);
    await call(f, f.users.member, 'PUT', `/services/${id}/favorite`);
    return { as: f.users.member, url: `/services/${id}/favorite` };
  },
  'PUT /api/v1/me/favorites': async (f) => ({ as: f.users.member, url: '/me/favorites', body: { serviceIds: [await service(f), await service(f)] } }),
  'POST /api/v1/services/{id}/access-requests': async (f) => ({ as: f.users.member2, url: `/services/${await service(f, true)}/access-requests`, body: {} }),
  'POST /api/v1/access-requests/{id}/grant': async (f) => ({ as: f.users.admin, url: `/access-requests/${await accessRequest(f)}/grant`, body: {} }),
  'POST /api/v1/access-requests/{id}/deny': async (f) => ({ as: f.users.admin, url: `/access-requests/${await accessRequest(f)}/deny`, body: {} }),
  'POST /api/v1/announcements': async (f) => ({ as: f.users.admin, url: '/announcements', body: { severity: 'warning', title: 'Raced' } }),
  'PATCH /api/v1/announcements/{id}': async (f) => ({ as: f.users.admin, url: `/announcements/${await announcement(f)}`, body: { title: 'Changed' } }),
  'DELETE /api/v1/announcements/{id}': async (f) => ({ as: f.users.admin, url: `/announcements/${await announcement(f)}` }),
  'POST /api/v1/announcements/{id}/dismiss': async (f) => ({ as: f.users.member, url: `/announcements/${await announcement(f)}/dismiss` }),
  // Identity providers: the same registration at once is one row (the rest 409); changes, disable and enable on one row.
  'POST /api/v1/identity-providers': async (f) => ({ as: f.users.admin, url: '/identity-providers', body: identityProvider() }),
  'PATCH /api/v1/identity-providers/{id}': async (f) => ({ as: f.users.admin, url: `/identity-providers/${await registered(f)}`, body: { oris: [TEST_ORI, 'TX0000000'], clientSecret: 'rotated-secret' } }),
  'POST /api/v1/identity-providers/{id}/disable': async (f) => ({ as: f.users.admin, url: `/identity-providers/${await registered(f)}/disable` }),
  'POST /api/v1/identity-providers/{id}/enable': async (f) => ({ as: f.users.admin, url: `/identity-providers/${await registered(f)}/enable` }),
  // No IdP is reachable from these processes: an unsigned token of an unregistered issuer, refused the same way N times (the real flows: federation.test.ts).
  'POST /api/v1/federation/token-exchange': async (f) => ({
    as: f.users.member,
    url: '/federation/token-exchange',
    body: {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: 'https://idp.unknown.example', sub: 'x', aud: 'jc' })).toString('base64url')}.`,
      subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
    },
  }),
  // The ACS takes the IdP's form post only (HTTP-POST binding): this suite sends JSON, refused the same way N times
  // (415, before any state is read). The real races (one response posted at once N times: one session) are in federation-saml.test.ts.
  'POST /api/v1/federation/{id}/saml/acs': async (f) => ({ as: f.users.member, url: '/federation/raced-saml/saml/acs', body: { SAMLResponse: Buffer.from('<samlp:Response/>').toString('base64'), RelayState: 'raced' } }),
  // Back-channel logout takes the IdP's form post only: JSON here, refused the same way N times (415, before any state is read).
  // Its replay (one logout token posted twice: the second refused) is in federation-logout.test.ts.
  // Single logout takes the IdP's form post only (HTTP-POST binding): JSON here, refused the same way N times (415, before any
  // state is read). Its replay (one LogoutRequest ID twice: refused) is in federation-saml-logout.test.ts against a real SAML IdP.
  'POST /api/v1/federation/{id}/saml/slo': async (f) => ({ as: f.users.member, url: '/federation/raced-saml/saml/slo', body: { SAMLRequest: Buffer.from('<samlp:LogoutRequest/>').toString('base64') } }),
  'POST /api/v1/federation/{id}/backchannel-logout': async (f) => ({ as: f.users.member, url: '/federation/raced-oidc/backchannel-logout', body: { logout_token: 'raced' } }),
};

function identityProvider() {
  const id = `idp-${randomBytes(4).toString('hex')}`;
  return { id, displayName: 'Raced IdP', issuer: `https://${id}.example.gov`, clientId: 'jc', clientSecret: 'secret', oris: [TEST_ORI], multiFactor: ['mfa'] };
}
async function registered(f: Fixtures): Promise<string> {
  return (await call(f, f.users.admin, 'POST', '/identity-providers', identityProvider())).id as string;
}
