import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import vm from 'node:vm';
import { NOTICE } from '../src/routes/notice.ts';
import { activeUser, backends, BASE_URL, call, OTHER_ORIGIN, startApp, TEST_ORI, uniqueEmail, type TestApp } from './helpers.ts';
import { CLIENT_ID, CLIENT_SECRET, followAtIdp, startIdp, type NextLogin, type TestIdp } from './support/oidc-idp.ts';

/*
 * The popup way in (federation/popup.ts): a page on another allow-listed
 * origin opens the start route in a popup with `popup=<its origin>`; the
 * callback answers a page that posts a bearer session to that origin only,
 * and sets no cookie. Against the real OpenID provider of federation.test.ts.
 */

const IDP_ID = 'popup-idp';
const CALLBACK = `${BASE_URL}/api/v1/federation/${IDP_ID}/callback`;
const OUTSIDE_ORI = 'TEST00009';

interface Posted {
  status: number;
  headers: Headers;
  /** What the page's script posted, and to which targetOrigin (run as a browser would, with a stand-in opener). */
  posts: { message: any; targetOrigin: string }[];
  closed: boolean;
}

/** Runs the popup page's inline script against a stand-in window whose opener records what it is sent; checks the CSP allows exactly that script. */
function runPage(html: string, csp: string): Omit<Posted, 'status' | 'headers'> {
  const json = /<script type="application\/json" id="jc">([^]*?)<\/script>/.exec(html)?.[1];
  const scripts = [...html.matchAll(/<script>([^]*?)<\/script>/g)].map((m) => m[1]!);
  assert.ok(json, 'the page carries its message as JSON');
  assert.equal(scripts.length, 1, 'one inline script');
  const hash = createHash('sha256').update(scripts[0]!).digest('base64');
  assert.match(csp, new RegExp(`script-src 'sha256-${hash.replace(/[+/=]/g, (ch) => `\\${ch}`)}'`), 'the CSP allows that script by its hash');
  assert.match(csp, /default-src 'none'/);
  const posts: { message: any; targetOrigin: string }[] = [];
  let closed = false;
  const window = {
    opener: { postMessage: (message: unknown, targetOrigin: string) => posts.push({ message: structuredClone(message), targetOrigin }) },
    close: () => (closed = true),
  };
  const document = { getElementById: (id: string) => (id === 'jc' ? { textContent: json } : null) };
  vm.runInNewContext(scripts[0]!, { window, document, JSON });
  return { posts, closed };
}

for (const backend of backends()) {
  describe(`federation through a popup, for a page on another origin (${backend.name})`, () => {
    let t: TestApp;
    let idp: TestIdp;

    const account = (claims: Record<string, unknown> = {}) => {
      const sub = `NIEF:IDP:TEST:USER:${randomUUID()}`;
      idp.accounts.set(sub, { given_name: 'Pat', family_name: 'Lee', email: uniqueEmail('popup'), employer_ori: TEST_ORI, ...claims });
      return sub;
    };

    /** The popup's journey: our start (with `popup`), the IdP (which signs `next` in, or refuses with null), our callback. */
    async function popupSignIn(next: NextLogin | null, popup = OTHER_ORIGIN): Promise<Posted> {
      idp.next = next;
      const start = await t.app.request(`/api/v1/federation/${IDP_ID}/start?popup=${encodeURIComponent(popup)}`);
      assert.equal(start.status, 302, await start.clone().text());
      assert.equal(start.headers.get('cross-origin-opener-policy'), 'unsafe-none', 'the popup keeps its opener through the redirect');
      const browser = start.headers.getSetCookie().find((c) => c.startsWith('jc_federation='))!.split(';')[0]!;
      const back = new URL(await followAtIdp(idp, start.headers.get('location')!, CALLBACK));
      const res = await t.app.request(`${back.pathname}${back.search}`, { headers: { cookie: browser } });
      const html = await res.text();
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      return { status: res.status, headers: res.headers, ...runPage(html, res.headers.get('content-security-policy') ?? '') };
    }

    const refusals = async (code: string) => {
      const rows = await t.services.db.kysely.selectFrom('audit_log').select(['outcome', 'details']).where('action', '=', 'auth.federation.sign-in').execute();
      return rows.map((r) => ({ outcome: r.outcome, ...JSON.parse(r.details) })).filter((d) => d.code === code);
    };

    before(async () => {
      t = await startApp(backend);
      idp = await startIdp([CALLBACK]);
      await t.services.db.kysely.insertInto('agency').values({ id: 'agency-popup-out', name: 'Outside', ori: OUTSIDE_ORI, created_at: new Date().toISOString() }).execute();
      const admin = await activeUser(t, 'Site Admin', { siteAdmin: true });
      const made = await call(t, 'POST', '/api/v1/identity-providers', {
        cookie: admin.cookie,
        body: { id: IDP_ID, displayName: 'Popup State IdP', issuer: idp.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, oris: [TEST_ORI], multiFactor: ['mfa'] },
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));
    });
    after(async () => {
      await t.dispose();
      await idp.close();
    });

    it('refuses a popup start for an origin not allow-listed, or our own, with an audit row and no state', async () => {
      const before = (await refusals('ORIGIN_NOT_ALLOWED')).length;
      for (const popup of ['http://evil.example.test', BASE_URL, `${OTHER_ORIGIN}/`, 'http://portal.example.test:5174', 'null', '']) {
        const res = await t.app.request(`/api/v1/federation/${IDP_ID}/start?popup=${encodeURIComponent(popup)}`);
        assert.equal(res.status, 403, popup);
        assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'ORIGIN_NOT_ALLOWED', popup);
        assert.equal(res.headers.get('location'), null);
        assert.equal(res.headers.getSetCookie().length, 0, popup);
      }
      const rows = await refusals('ORIGIN_NOT_ALLOWED');
      assert.equal(rows.length, before + 6);
      assert.ok(rows.slice(before).every((r) => r.outcome === 'denied' && r.via === 'start'));
      assert.equal(rows.at(-2)!.origin, 'null');
      const states = await t.services.db.kysely.selectFrom('federation_state').select('popup_origin').where('popup_origin', 'is not', null).execute();
      assert.equal(states.length, 0);
    });

    it('posts a bearer session to the stored origin only, sets no cookie, and the bearer works from that origin', async () => {
      const sub = account();
      const res = await popupSignIn({ sub, amr: ['pwd', 'mfa'] });
      assert.equal(res.status, 200);
      assert.equal(res.headers.getSetCookie().filter((c) => c.includes('session_token')).length, 0, 'no session cookie');
      assert.equal(res.headers.get('set-auth-token'), null, 'the token is in the page only');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal(res.headers.get('cross-origin-opener-policy'), 'unsafe-none');
      assert.equal(res.posts.length, 1);
      const [{ message, targetOrigin }] = res.posts as [{ message: any; targetOrigin: string }];
      assert.equal(targetOrigin, OTHER_ORIGIN, 'posted to exactly the opener’s origin, never *');
      assert.deepEqual(Object.keys(message).sort(), ['secondFactor', 'token', 'type']);
      assert.equal(message.type, 'jc-federation');
      assert.equal(message.secondFactor, 'done');
      assert.ok(res.closed, 'the popup closes itself');
      const token = message.token as string;
      assert.equal((await call(t, 'GET', '/api/v1/me', { origin: OTHER_ORIGIN, token })).body.error.code, 'NOTICE_REQUIRED');
      assert.equal((await call(t, 'POST', '/api/v1/notice/accept', { origin: OTHER_ORIGIN, token, body: { version: NOTICE.version } })).status, 200);
      const me = await call(t, 'GET', '/api/v1/me', { origin: OTHER_ORIGIN, token });
      assert.equal(me.status, 200, JSON.stringify(me.body));
      assert.equal(me.body.agency.ori, TEST_ORI);
      // The bearer is for the allow-listed origin: from another site it is refused.
      const elsewhere = await call(t, 'GET', '/api/v1/me', { origin: 'http://evil.example.test', token });
      assert.ok([401, 403].includes(elsewhere.status), String(elsewhere.status));
      // Nothing the sign-in recorded holds the token.
      const rows = await t.services.db.kysely.selectFrom('audit_log').select(['details', 'target']).execute();
      assert.ok(rows.every((r) => !r.details.includes(token) && !(r.target ?? '').includes(token)));
      // Without multi-factor at the IdP, our TOTP step follows.
      const weak = await popupSignIn({ sub: account(), amr: ['pwd'] });
      assert.equal(weak.posts[0]!.message.secondFactor, 'required');
      assert.equal((await call(t, 'GET', '/api/v1/me', { origin: OTHER_ORIGIN, token: weak.posts[0]!.message.token })).body.error.code, 'TWO_FACTOR_REQUIRED');
    });

    it('posts a refusal (the IdP’s, an ORI outside the list) to the stored origin only, with an audit row', async () => {
      const cases: [NextLogin | null, number, string][] = [
        [null, 401, 'IDP_REFUSED'],
        [{ sub: account({ employer_ori: OUTSIDE_ORI }), amr: ['mfa'] }, 403, 'ORI_NOT_ALLOWED'],
      ];
      for (const [next, status, code] of cases) {
        const before = (await refusals(code)).length;
        const res = await popupSignIn(next);
        assert.equal(res.status, status, code);
        assert.equal(res.headers.getSetCookie().filter((c) => c.includes('session_token')).length, 0);
        assert.equal(res.posts.length, 1);
        assert.equal(res.posts[0]!.targetOrigin, OTHER_ORIGIN);
        assert.equal(res.posts[0]!.message.type, 'jc-federation');
        assert.equal(res.posts[0]!.message.error.code, code);
        assert.ok(res.posts[0]!.message.error.message.length > 0);
        assert.equal(res.posts[0]!.message.token, undefined);
        const rows = await refusals(code);
        assert.equal(rows.length, before + 1, code);
        assert.deepEqual([rows.at(-1)!.outcome, rows.at(-1)!.origin], ['denied', OTHER_ORIGIN]);
      }
    });

    it('a same-origin start (no popup) still redirects with the cookie session, and its answers keep COOP same-origin', async () => {
      idp.next = { sub: account(), amr: ['mfa'] };
      const start = await t.app.request(`/api/v1/federation/${IDP_ID}/start?returnTo=/portal/`);
      assert.equal(start.status, 302);
      assert.equal(start.headers.get('cross-origin-opener-policy'), 'same-origin');
      const browser = start.headers.getSetCookie().find((c) => c.startsWith('jc_federation='))!.split(';')[0]!;
      const back = new URL(await followAtIdp(idp, start.headers.get('location')!, CALLBACK));
      const res = await t.app.request(`${back.pathname}${back.search}`, { headers: { cookie: browser } });
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), '/portal/');
      assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin');
      assert.ok(res.headers.getSetCookie().some((c) => c.includes('session_token=')));
    });
  });
}
