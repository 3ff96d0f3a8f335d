import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { activate, addMember, backends, call, makeCommunity, signUpAndIn, suiteApp, type TestApp } from './helpers.ts';
import { makeKeyPair } from './support/saml-idp.ts';

/**
 * The permission matrix, generated: every role × visibility × level × operation,
 * each cell on fresh communities, each answer compared with the rule as the
 * product states it (the model below), through the real HTTP API.
 */
const ROLES = ['outsider', 'pending', 'notOptedIn', 'member', 'moderator', 'owner', 'agencyAdmin', 'siteAdmin'] as const;
const VISIBILITIES = ['public', 'moderated', 'restricted'] as const;
const LEVELS = ['community', 'subcommunity'] as const;
type RoleName = (typeof ROLES)[number];
type Vis = (typeof VISIBILITIES)[number];
type Level = (typeof LEVELS)[number];

interface Fixture {
  slug: string;
  id: string;
  plainMember: string;
  requester: string;
  bystander: string;
}

interface Op {
  name: string;
  run(t: TestApp, cookie: string, f: Fixture): Promise<number | boolean>;
}

/** A form posted to SAML_IDP's `path` (by the IdP's page at `origin`, or by its server: no origin), whoever's cookie comes along: the status. */
async function postForm(t: TestApp, cookie: string, path: string, origin: string | null, rawBody: string): Promise<number> {
  return (await call(t, 'POST', `/api/v1/federation/${SAML_IDP}/${path}`, { cookie, origin, rawBody, headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status;
}

/** A SAML message in a form field (the HTTP-POST binding: base64, not deflated). */
const samlField = (field: string, xml: string) => `${field}=${encodeURIComponent(Buffer.from(xml).toString('base64'))}`;

const OPS: Op[] = [
  { name: 'read', run: async (t, cookie, f) => (await call(t, 'GET', `/api/v1/communities/${f.slug}`, { cookie })).status },
  {
    name: 'listed',
    run: async (t, cookie, f) => {
      const res = await call(t, 'GET', '/api/v1/communities?scope=all&limit=100', { cookie });
      return res.status === 200 && res.body.items.some((c: { id: string }) => c.id === f.id);
    },
  },
  { name: 'members', run: async (t, cookie, f) => (await call(t, 'GET', `/api/v1/communities/${f.slug}/members`, { cookie })).status },
  { name: 'requests', run: async (t, cookie, f) => (await call(t, 'GET', `/api/v1/communities/${f.slug}/members?state=requested`, { cookie })).status },
  { name: 'update', run: async (t, cookie, f) => (await call(t, 'PATCH', `/api/v1/communities/${f.slug}`, { cookie, body: { description: 'changed' } })).status },
  { name: 'archive', run: async (t, cookie, f) => (await call(t, 'POST', `/api/v1/communities/${f.slug}/archive`, { cookie })).status },
  { name: 'join', run: async (t, cookie, f) => (await call(t, 'POST', `/api/v1/communities/${f.slug}/join`, { cookie })).status },
  { name: 'leave', run: async (t, cookie, f) => (await call(t, 'POST', `/api/v1/communities/${f.slug}/leave`, { cookie })).status },
  { name: 'invite', run: async (t, cookie, f) => (await call(t, 'POST', `/api/v1/communities/${f.slug}/invitations`, { cookie, body: { userId: f.bystander } })).status },
  { name: 'invitable', run: async (t, cookie, f) => (await call(t, 'GET', `/api/v1/communities/${f.slug}/invitable?q=Helper`, { cookie })).status },
  { name: 'invite-email', run: async (t, cookie, f) => (await call(t, 'POST', `/api/v1/communities/${f.slug}/invitations`, { cookie, body: { email: 'nobody@nowhere.example' } })).status },
  { name: 'approve', run: async (t, cookie, f) => (await call(t, 'POST', `/api/v1/communities/${f.slug}/members/${f.requester}/approve`, { cookie })).status },
  { name: 'deny', run: async (t, cookie, f) => (await call(t, 'POST', `/api/v1/communities/${f.slug}/members/${f.requester}/deny`, { cookie })).status },
  { name: 'remove', run: async (t, cookie, f) => (await call(t, 'DELETE', `/api/v1/communities/${f.slug}/members/${f.plainMember}`, { cookie })).status },
  { name: 'role', run: async (t, cookie, f) => (await call(t, 'PATCH', `/api/v1/communities/${f.slug}/members/${f.plainMember}`, { cookie, body: { role: 'moderator' } })).status },
  // Site-wide operations beside the community ones: identity providers (federation/admin.ts).
  { name: 'idp-list', run: async (t, cookie) => (await call(t, 'GET', '/api/v1/identity-providers', { cookie })).status },
  {
    name: 'idp-register',
    run: async (t, cookie, f) =>
      (await call(t, 'POST', '/api/v1/identity-providers', { cookie, body: { id: `p${f.id}`, displayName: 'IdP', issuer: `https://${f.id}.idp.example.gov`, clientId: 'jc', oris: ['TEST00001'] } })).status,
  },
  // Signing in through a SAML 2.0 provider (federation/saml-routes.ts): the same for everyone, whoever is signed in.
  { name: 'saml-metadata', run: async (t, cookie) => (await call(t, 'GET', `/api/v1/federation/${SAML_IDP}/saml/metadata`, { cookie })).status },
  { name: 'saml-start', run: async (t, cookie) => (await call(t, 'GET', `/api/v1/federation/${SAML_IDP}/start`, { cookie })).status },
  { name: 'saml-acs', run: (t, cookie) => postForm(t, cookie, 'saml/acs', 'https://idp.saml.test', samlField('SAMLResponse', '<samlp:Response/>')) },
  // SAML single logout (federation/saml-logout.ts): the IdP's page sends the browser with a LogoutRequest, whoever
  // is signed in (the POST binding is exempt from the CSRF and origin checks); an unsigned one is refused: 401.
  {
    name: 'saml-slo',
    run: async (t, cookie) =>
      (await call(t, 'GET', `/api/v1/federation/${SAML_IDP}/saml/slo?SAMLRequest=${encodeURIComponent(deflateRawSync('<samlp:LogoutRequest/>').toString('base64'))}`, { cookie, origin: null })).status,
  },
  { name: 'saml-slo-post', run: (t, cookie) => postForm(t, cookie, 'saml/slo', 'https://idp.saml.test', samlField('SAMLRequest', '<samlp:LogoutRequest/>')) },
  // OIDC back-channel logout (federation/backchannel.ts): posted by an IdP server to server, whoever's cookie
  // comes along (exempt from the CSRF and origin checks); a provider that is not an enabled OIDC one is unknown here.
  { name: 'backchannel-logout', run: (t, cookie) => postForm(t, cookie, 'backchannel-logout', null, 'logout_token=eyJhbGciOiJub25lIn0.e30.') },
  { name: 'create-sub', run: async (t, cookie, f) => (await call(t, 'POST', '/api/v1/communities', { cookie, body: { name: 'Sub', slug: `sub-${f.id}`.toLowerCase().slice(0, 60), parent: f.slug } })).status },
];

/** A SAML 2.0 provider registered for the federation operations. */
const SAML_IDP = 'matrix-saml';

/** The rule, as the issue states it. */
function expected(role: RoleName, vis: Vis, level: Level, op: string): number | boolean {
  // Federation is how one signs in: the SP metadata and the start answer anyone; the ACS takes
  // only the IdP's signed answer to a request begun in this browser (an unsolicited one: 401).
  if (op === 'saml-metadata') return 200;
  if (op === 'saml-start') return 302;
  if (op === 'saml-acs') return 401;
  if (op === 'saml-slo' || op === 'saml-slo-post') return 401;
  if (op === 'backchannel-logout') return 404;
  if (role === 'pending' || role === 'notOptedIn') return op === 'listed' ? false : 403;
  // Identity providers are the site administrator's alone, whatever the community.
  if (op === 'idp-list') return role === 'siteAdmin' ? 200 : 403;
  if (op === 'idp-register') return role === 'siteAdmin' ? 201 : 403;
  const memberRole = role === 'member' || role === 'moderator' || role === 'owner' ? role : null;
  const siteAdmin = role === 'siteAdmin';
  const canRead = siteAdmin || memberRole !== null || vis !== 'restricted';
  if (op === 'listed') return canRead;
  if (!canRead) return 404;
  const manager = siteAdmin || memberRole === 'moderator' || memberRole === 'owner';
  const owner = siteAdmin || memberRole === 'owner';
  // Only members (by role) are members of the parent in these fixtures.
  const parentMember = level === 'community' || memberRole !== null;
  switch (op) {
    case 'read':
    case 'members':
      return 200;
    case 'requests':
    case 'invitable':
    case 'approve':
    case 'deny':
    case 'remove':
      return manager ? 200 : 403;
    case 'invite':
    case 'create-sub':
      return manager ? 201 : 403;
    case 'invite-email':
      return manager ? 202 : 403;
    case 'update':
    case 'archive':
    case 'role':
      return owner ? 200 : 403;
    case 'join':
      if (memberRole) return 409;
      if (!parentMember) return 403;
      return vis === 'public' ? 200 : vis === 'moderated' ? 202 : 403;
    case 'leave':
      return memberRole ? 200 : 409;
  }
  throw new Error(`no rule for ${op}`);
}

for (const backend of backends()) {
  describe(`permission matrix: role × visibility × level × operation (${backend.name})`, () => {
    const t = suiteApp(backend);
    const actors = new Map<RoleName, { cookie: string; userId: string }>();
    let founder: string;
    before(async () => {
      for (const role of ROLES) {
        const u = await signUpAndIn(t, `Actor ${role}`);
        if (role !== 'pending') {
          await activate(t, u.userId, { optedIn: role !== 'notOptedIn', siteAdmin: role === 'siteAdmin', agencyAdmin: role === 'agencyAdmin' });
        }
        actors.set(role, u);
      }
      founder = (await signUpAndIn(t, 'Founder')).userId;
      await activate(t, founder);
      const saml = { ssoUrl: 'https://idp.saml.test/sso', certificates: [makeKeyPair().certificate] };
      const registered = await call(t, 'POST', '/api/v1/identity-providers', {
        cookie: actors.get('siteAdmin')!.cookie,
        body: { id: SAML_IDP, displayName: 'Matrix SAML IdP', protocol: 'saml', issuer: 'https://idp.saml.test/idp', saml, oris: ['TEST00001'] },
      });
      assert.equal(registered.status, 201, JSON.stringify(registered.body));
    });

    /** Fresh communities for one cell: the target (top-level or under a public parent) and its people. */
    async function fixture(role: RoleName, vis: Vis, level: Level, helpers: { plain: string; requester: string; bystander: string }): Promise<Fixture> {
      const parent = level === 'subcommunity' ? await makeCommunity(t, { visibility: 'public', createdBy: founder }) : null;
      const target = await makeCommunity(t, { visibility: vis, parentId: parent?.id ?? null, createdBy: founder });
      const inParent = async (userId: string) => parent && (await addMember(t, parent.id, userId, 'member'));
      await inParent(founder);
      await addMember(t, target.id, founder, 'owner');
      for (const u of [helpers.plain, helpers.requester, helpers.bystander]) await inParent(u);
      await addMember(t, target.id, helpers.plain, 'member');
      await addMember(t, target.id, helpers.requester, 'member', 'requested');
      if (role === 'member' || role === 'moderator' || role === 'owner') {
        const actor = actors.get(role)!.userId;
        await inParent(actor);
        await addMember(t, target.id, actor, role);
      }
      return { ...target, plainMember: helpers.plain, requester: helpers.requester, bystander: helpers.bystander };
    }

    for (const level of LEVELS) {
      for (const vis of VISIBILITIES) {
        it(`${level}, ${vis}: every role and operation answers as the rule says`, async () => {
          const helpers = { plain: '', requester: '', bystander: '' };
          for (const k of Object.keys(helpers) as (keyof typeof helpers)[]) {
            const u = await signUpAndIn(t, `Helper ${k}`);
            await activate(t, u.userId);
            helpers[k] = u.userId;
          }
          const mismatches: string[] = [];
          let cells = 0;
          for (const role of ROLES) {
            for (const op of OPS) {
              const f = await fixture(role, vis, level, helpers);
              const got = await op.run(t, actors.get(role)!.cookie, f);
              const want = expected(role, vis, level, op.name);
              cells += 1;
              if (got !== want) mismatches.push(`${role} ${op.name}: got ${got}, expected ${want}`);
            }
          }
          assert.equal(cells, ROLES.length * OPS.length);
          assert.deepEqual(mismatches, []);
        });
      }
    }

    it('answers a restricted community’s outsider with exactly what an unknown id gets', async () => {
      const outsider = actors.get('outsider')!.cookie;
      const restricted = await makeCommunity(t, { visibility: 'restricted', createdBy: founder });
      for (const path of ['', '/members', '/join', '/leave']) {
        const method = path === '' || path === '/members' ? 'GET' : 'POST';
        const real = await call(t, method, `/api/v1/communities/${restricted.slug}${path}`, { cookie: outsider });
        const fake = await call(t, method, `/api/v1/communities/no-such-community${path}`, { cookie: outsider });
        assert.equal(real.status, 404);
        assert.deepEqual(real.body, fake.body, `${method} ${path}`);
      }
    });
  });
}
