/**
 * Recorded answers of the JusticeConnect API, so Storybook previews every
 * widget state offline. Shapes are the server's (`GET /api/v1/me`,
 * `GET /api/v1/communities` etc.), and fixture-contract.test.ts checks each
 * route's answer against the schema the client reads it with. The data and
 * routes live by resource: community-fixtures.ts, post-fixtures.ts,
 * forum-fixtures.ts and forum-routes.ts, activity-fixtures.ts and
 * service-fixtures.ts (services and announcements); this module holds the
 * sign-in steps and hands every other request to its resource.
 */
import type { Me, Reply } from '../api/schemas.js';
import { encode as encodeQr } from 'uqr';
import { activityFixtureServer, isActivityPath, type ActivityFixtureOptions } from './activity-fixtures.js';
import { communityRoutes, communityRules, fixtureCommunities, fixturePeople, fixtureUsers, type FixtureCommunity } from './community-fixtures.js';
import { neverAnswered, trackFixtureRequest } from './fixture-requests.js';
import { fail, json, notFound, unauthenticated } from './fixture-http.js';
import type { FixtureForum, FixtureTopic } from './forum-fixtures.js';
import { forumRoutes } from './forum-routes.js';
import { fixturePosts, postRoutes, type FixturePost } from './post-fixtures.js';
import { serviceFixtureServer, type ServiceFixtureOptions } from './service-fixtures.js';

export { fixtureCommunities, fixtureUsers, type FixtureCommunity } from './community-fixtures.js';
export { fixturePosts, manyFixturePosts, type FixturePost } from './post-fixtures.js';
export { LONG_TOPIC_ID, THREAD_TOPIC_ID, fixtureForums, fixtureReplies, fixtureTopics, manyFixtureReplies, type FixtureForum, type FixtureTopic } from './forum-fixtures.js';

/** The one-time code the fixtures accept (any other 6 digits are wrong, but `FIXTURE_USED_CODE` "was already used"). */
export const FIXTURE_CODE = '123456';
export const FIXTURE_USED_CODE = '111111';
/** The authenticator secret the fixtures' enrolment shows (a well-known example, never a real account's). */
export const FIXTURE_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
/** The backup codes the fixtures' enrolment shows; the first works as one. */
export const FIXTURE_BACKUP_CODES = ['8f2kq-7vx3m', 'p4c9w-2hd6t', 'm7r3z-9kq2b', 'x5n8d-4wf7c', 'b2t6h-8pz5k', 'q9w4c-3mv8r', 'h6k2x-5td9n', 'z3p7m-6cb4w', 'c8v5r-2nq7h', 'w4d9k-7xm3p'];

/** The system-use notice, as the server sends it (packages/server/src/routes/notice.ts). */
export const fixtureNotice = {
  version: '2026-11-01',
  title: 'U.S. Government information system',
  paragraphs: [
    'You are accessing a U.S. Government information system, which includes this computer, this computer network, all computers connected to this network, and all devices and/or storage media attached to this network or to a computer on this network. This information system is provided for U.S. Government-authorized use only.',
    'Unauthorized or improper use of this system may result in disciplinary action, and civil and criminal penalties. By using this information system, you understand and consent to the following:',
    'You have no reasonable expectation of privacy regarding any communications transmitted through or data stored on this information system.',
    'At any time, the government may monitor, intercept, search and/or seize data transmitted or stored on this information system. Any communications transmitted through or data stored on this information system may be disclosed or used for any U.S. Government-authorized purpose.',
  ],
};

export interface FixtureOptions extends ActivityFixtureOptions, ServiceFixtureOptions {
  /** Who is signed in at first (null: nobody); with `stage`, who is half way through signing in. */
  me?: Me | null;
  /**
   * Where `me`'s sign-in stands at first: `in` (default), `enrol` (signed in
   * with the password, no authenticator yet) or `notice` (the notice not yet accepted).
   */
  stage?: 'in' | 'enrol' | 'notice';
  /**
   * What signing in with the password does: `totp` (default) asks for the
   * code (`FIXTURE_CODE`), `enrol` sets up an authenticator first, `locked`
   * answers that the account is locked.
   */
  signIn?: 'totp' | 'enrol' | 'locked';
  /** The session's idle timeout in seconds (`GET /api/v1/session`; default 1800). */
  idleTimeoutSeconds?: number;
  /** Every request fails as if offline. */
  offline?: boolean;
  /** Requests never answer (to show loading states). */
  pending?: boolean;
  /** Milliseconds before each answer. */
  delay?: number;
  /** The communities the fixture server knows (default: `fixtureCommunities()`). */
  communities?: FixtureCommunity[];
  /** Community requests fail with a server error (the session still loads). */
  communitiesFail?: boolean;
  /** The posts the fixture server knows (default: `fixturePosts()`). */
  posts?: FixturePost[];
  /** Reading posts fails with a server error (the community still loads). */
  postsFail?: boolean;
  /** Reading posts never answers (to show the feed's loading state). */
  postsPending?: boolean;
  /** How many tries to publish a post fail as if offline (then they succeed). */
  sendFails?: number;
  /** The forums the fixture server knows (default: `fixtureForums()`). */
  forums?: FixtureForum[];
  /** The topics the fixture server knows (default: `fixtureTopics()`). */
  topics?: FixtureTopic[];
  /** The replies the fixture server knows, every topic's (default: `fixtureReplies()`). */
  replies?: Reply[];
  /** How many replies the long topic `top_long` has, generated on first read (default 10,000; 0: no such topic). */
  longThread?: number;
  /** Reading forums and topics fails with a server error (the community still loads). */
  forumsFail?: boolean;
  /** Reading forums and topics never answers (to show the forum's loading state). */
  forumsPending?: boolean;
}

/** Every community route: posts, files, forums and topics included. */
function communityServer(communities: FixtureCommunity[], options: FixtureOptions, posts: FixturePost[]) {
  const rules = communityRules(communities);
  const { byRef, readable } = rules;
  const handle = communityRoutes(rules);
  const postRoutesFor = postRoutes(rules, options, posts);
  const forumRoutesFor = forumRoutes(rules, options);
  return {
    communities: async (me: Me, method: string, url: URL, body: Record<string, unknown>, form: FormData | null): Promise<Response> => {
      const [ref, action, more] = url.pathname.replace(/^\/api\/v1\/communities\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
      if (ref && (action === 'posts' || action === 'files') && !more) {
        const c = byRef(ref);
        if (!c || !readable(c, me.id)) return notFound();
        return postRoutesFor.community(me, method, url, c, action, body, form);
      }
      if (ref && (action === 'forums' || action === 'topics' || action === 'forum-flags') && !more) {
        const c = byRef(ref);
        if (!c || !readable(c, me.id)) return notFound();
        return forumRoutesFor.community(me, method, url, c, action, body);
      }
      return handle(me, method, url, body);
    },
    posts: postRoutesFor.other,
    forum: forumRoutesFor.other,
  };
}

/** A `fetch` that answers like the server, from memory. Give it to `<jc-provider .fetcher>`. */
export function fixtureFetch(options: FixtureOptions = {}): typeof fetch {
  type Stage = 'out' | 'code' | 'enrol' | 'notice' | 'in';
  let stage: Stage = options.me ? (options.stage ?? 'in') : 'out';
  /** Who is signing in (or signed in). */
  let account: Me | null = options.me ?? null;
  /** Who is signed in, all steps done: what the rest of the API answers to. */
  let me: Me | null = stage === 'in' ? account : null;
  let enrolling = false;
  const communities = structuredClone(options.communities ?? fixtureCommunities());
  const server = communityServer(communities, options, structuredClone(options.posts ?? fixturePosts()));
  const portal = serviceFixtureServer(options);
  const activities = activityFixtureServer(communities, options, (id) => ({ name: fixturePeople[id]?.name ?? id, agency: fixturePeople[id]?.agency ?? null }));
  // Counted while unanswered (fixture-requests.ts): a story has settled when none is.
  return (input, init) => trackFixtureRequest(answer(input, init));
  async function answer(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    if (options.pending) return neverAnswered();
    if (options.delay) await new Promise((r) => setTimeout(r, options.delay));
    if (options.offline) throw new TypeError('Failed to fetch');
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const method = (init?.method ?? 'GET').toUpperCase();
    const form = init?.body instanceof FormData ? init.body : null;
    const body = init?.body && !form ? JSON.parse(String(init.body)) : {};
    // The portal's service directory and announcements (service-fixtures.ts).
    const portalAnswer = portal(me, method, url, body);
    if (portalAnswer) return portalAnswer;
    const posts = url.pathname === '/api/v1/feed' || url.pathname.startsWith('/api/v1/posts/') || url.pathname.startsWith('/api/v1/files/');
    const forum = /^\/api\/v1\/(topics|replies|forum-flags)\//.test(url.pathname);
    const activity = isActivityPath(url.pathname);
    if (url.pathname === '/api/v1/communities' || url.pathname.startsWith('/api/v1/communities/') || posts || forum || activity) {
      if (!me) return unauthenticated();
      if (options.communitiesFail) return fail(500, 'INTERNAL', 'Something went wrong on the server.');
      if (me.status === 'pending') return fail(403, 'ACCOUNT_PENDING', 'Your account is waiting for your agency administrator’s approval.');
      if (!me.optedIn) return fail(403, 'OPT_IN_REQUIRED', 'Opt in to JusticeConnect to use communities.');
      if (activity) return activities(me, method, url, body);
      if (forum) return server.forum(me, method, url, body);
      return posts ? server.posts(me, method, url, body) : server.communities(me, method, url, body, form);
    }
    switch (`${method} ${url.pathname}`) {
      case 'GET /api/v1/me':
        if (stage === 'enrol') return fail(403, 'TWO_FACTOR_REQUIRED', 'Set up an authenticator app: every JusticeConnect sign-in needs a one-time code.');
        if (stage === 'notice') return fail(403, 'NOTICE_REQUIRED', 'Read and accept the system-use notice to continue.');
        return me ? json(200, me) : unauthenticated();
      case 'GET /api/v1/notice':
        return json(200, fixtureNotice);
      case 'POST /api/v1/notice/accept':
        if (stage !== 'notice' || !account) return unauthenticated();
        if (body.version !== fixtureNotice.version) return fail(409, 'NOTICE_CHANGED', 'The notice has changed: read the current one.');
        stage = 'in';
        me = account;
        return json(200, { ok: true, version: body.version });
      case 'GET /api/v1/session': {
        if (!me) return unauthenticated();
        const idle = options.idleTimeoutSeconds ?? 1800;
        const now = Date.now();
        return json(200, { idleTimeoutSeconds: idle, idleExpiresAt: new Date(now + idle * 1000).toISOString(), expiresAt: new Date(now + 12 * 3600_000).toISOString() });
      }
      case 'GET /api/auth/get-session':
        return json(200, account && stage !== 'out' && stage !== 'code' ? { user: { id: account.id, name: account.name, email: account.email, twoFactorEnabled: stage !== 'enrol' }, session: { id: 'ses_fixture', expiresAt: new Date(Date.now() + 12 * 3600_000).toISOString() } } : null);
      case 'POST /api/auth/two-factor/enable':
        if (stage !== 'enrol') return unauthenticated();
        if (body.password !== 'corridor-demo-2026') return fail(400, 'INVALID_PASSWORD', 'Invalid password');
        enrolling = true;
      {
        const totpURI = `otpauth://totp/JusticeConnect:${encodeURIComponent(account!.email)}?secret=${FIXTURE_SECRET}&issuer=JusticeConnect&digits=6&period=30`;
        // The QR code as the server makes it (packages/server/src/routes/auth.ts): rows of 0 and 1.
        const qr = encodeQr(totpURI, { ecc: 'M', border: 2 }).data.map((row) => row.map((dark) => (dark ? '1' : '0')).join(''));
        return json(200, { totpURI, backupCodes: FIXTURE_BACKUP_CODES, qr });
      }
      case 'POST /api/auth/two-factor/verify-totp':
        if (!(stage === 'code' || (stage === 'enrol' && enrolling))) return fail(401, 'INVALID_TWO_FACTOR_COOKIE', 'Invalid two factor cookie');
        if (!/^\d{6}$/.test(String(body.code ?? ''))) return fail(400, 'VALIDATION_ERROR', 'Invalid input', { code: 'Enter the 6-digit code from your authenticator app' });
        if (body.code === FIXTURE_USED_CODE) return fail(401, 'CODE_ALREADY_USED', 'That code was already used. Wait for the next one.', { code: 'Already used' });
        if (body.code !== FIXTURE_CODE) return fail(401, 'INVALID_CODE', 'Invalid code');
        stage = 'notice';
        return json(200, { token: null, user: { id: account!.id } });
      case 'POST /api/auth/two-factor/verify-backup-code':
        if (stage !== 'code') return fail(401, 'INVALID_TWO_FACTOR_COOKIE', 'Invalid two factor cookie');
        if (body.code !== FIXTURE_BACKUP_CODES[0]) return fail(401, 'INVALID_BACKUP_CODE', 'Invalid backup code');
        stage = 'notice';
        return json(200, { token: null, user: { id: account!.id } });
      case 'PATCH /api/v1/me':
        if (!me) return unauthenticated();
        me = { ...me, ...body, optedInAt: body.optedIn ? new Date().toISOString() : me.optedInAt };
        account = me;
        return json(200, me);
      case 'POST /api/auth/sign-in/email': {
        const user = Object.values(fixtureUsers).find((u) => u.email === body.email);
        if (options.signIn === 'locked') return fail(403, 'ACCOUNT_LOCKED', 'This account is locked after too many failed sign-ins. Ask your agency administrator to unlock it.');
        if (!user || body.password !== 'corridor-demo-2026')
          return fail(401, 'INVALID_EMAIL_OR_PASSWORD', 'Invalid email or password');
        account = user;
        me = null;
        enrolling = false;
        if (options.signIn === 'enrol') {
          stage = 'enrol';
          return json(200, { redirect: false, user: { id: user.id, name: user.name, email: user.email } });
        }
        stage = 'code';
        return json(200, { twoFactorRedirect: true, twoFactorMethods: ['totp'] });
      }
      case 'POST /api/auth/sign-out':
        me = null;
        stage = 'out';
        return json(200, { success: true });
      default:
        return fail(404, 'NOT_FOUND', `No fixture for ${method} ${url.pathname}`);
    }
  }
}
