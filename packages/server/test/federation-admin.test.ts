import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadProvidersFile } from '../src/config.ts';
import { activeUser, backends, call, signUpAndIn, startApp, TEST_ORI, type TestApp } from './helpers.ts';
import { makeKeyPair } from './support/saml-idp.ts';

/*
 * Identity providers as data: the site administrator's API (who may use it,
 * what it takes, that the secret never comes back), the providers file read
 * at start, and what a disabled or SAML provider answers.
 */

const SECRET = 'do-not-show-this-secret-anywhere';
const provider = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  displayName: `IdP ${id}`,
  issuer: `https://${id}.idp.example.gov`,
  clientId: 'justiceconnect',
  clientSecret: SECRET,
  oris: [TEST_ORI],
  multiFactor: ['mfa'],
  ...extra,
});
/** A SAML 2.0 provider: its SSO URL and signing certificate instead of a client id and secret. */
const samlProvider = (id: string) => ({
  ...provider(id, { protocol: 'saml', clientId: undefined, clientSecret: undefined }),
  saml: { ssoUrl: `https://${id}.idp.example.gov/sso`, certificates: [makeKeyPair(id).certificate] },
});

describe('identity providers file (JC_IDENTITY_PROVIDERS_FILE)', () => {
  it('is checked with zod at start, and its errors never quote the file', () => {
    const dir = path.join(process.env.TMPDIR ?? '/tmp');
    const file = path.join(dir, `jc-idps-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ providers: [provider('good'), { ...provider('bad'), issuer: 'ftp://nope', oris: ['short'] }] }));
    assert.throws(() => loadProvidersFile(file), (err: Error) => err instanceof ConfigError && /providers\.1\.issuer/.test(err.message) && /providers\.1\.oris/.test(err.message) && !err.message.includes(SECRET));
    writeFileSync(file, `{"providers": [{"clientSecret": "${SECRET}", oops}]}`);
    assert.throws(() => loadProvidersFile(file), (err: Error) => err instanceof ConfigError && /not valid JSON/.test(err.message) && !err.message.includes(SECRET));
    writeFileSync(file, JSON.stringify({ providers: [provider('one'), provider('one')] }));
    assert.throws(() => loadProvidersFile(file), /names one id or issuer twice/);
    writeFileSync(file, JSON.stringify({ providers: [samlProvider('ok')] }));
    assert.equal(loadProvidersFile(file)[0]?.protocol, 'saml');
    // A SAML provider says how to reach and trust it, and takes no client secret.
    writeFileSync(file, JSON.stringify({ providers: [provider('no-settings', { protocol: 'saml' })] }));
    assert.throws(() => loadProvidersFile(file), (err: Error) => err instanceof ConfigError && /providers\.0\.saml/.test(err.message) && /providers\.0\.clientSecret/.test(err.message) && !err.message.includes(SECRET));
  });
});

for (const backend of backends()) {
  describe(`identity providers: the site administrator's API (${backend.name})`, () => {
    let t: TestApp;
    let admin: { cookie: string; userId: string };
    before(async () => {
      const dir = process.env.TMPDIR ?? '/tmp';
      const file = path.join(dir, `jc-idps-app-${process.pid}-${backend.name}.json`);
      writeFileSync(file, JSON.stringify({ providers: [provider('from-file')] }));
      t = await startApp(backend, { JC_IDENTITY_PROVIDERS_FILE: file });
      admin = await activeUser(t, 'Site Admin', { siteAdmin: true });
    });
    after(() => t.dispose());

    it('only an active site administrator may list, register, change, disable or enable one', async () => {
      const agencyAdmin = await activeUser(t, 'Agency Admin', { agencyAdmin: true });
      const pending = await signUpAndIn(t, 'Pending Officer');
      for (const who of [agencyAdmin, pending]) {
        assert.equal((await call(t, 'GET', '/api/v1/identity-providers', { cookie: who.cookie })).body.error.code, 'SITE_ADMIN_REQUIRED');
        assert.equal((await call(t, 'POST', '/api/v1/identity-providers', { cookie: who.cookie, body: provider('someone-else') })).status, 403);
        assert.equal((await call(t, 'PATCH', '/api/v1/identity-providers/from-file', { cookie: who.cookie, body: { displayName: 'Mine' } })).status, 403);
        assert.equal((await call(t, 'POST', '/api/v1/identity-providers/from-file/disable', { cookie: who.cookie })).status, 403);
      }
      assert.equal((await call(t, 'GET', '/api/v1/identity-providers', {})).status, 401);
    });

    it('registers, lists and changes a provider; the secret is written, never answered nor audited', async () => {
      const made = await call(t, 'POST', '/api/v1/identity-providers', { cookie: admin.cookie, body: provider('txdps', { vettingCounts: true, claims: { ori: 'agency_ori' } }) });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      assert.equal(made.body.hasClientSecret, true);
      assert.deepEqual(made.body.claims, { federationId: 'sub', ori: 'agency_ori', givenName: 'given_name', surname: 'family_name', email: 'email' });
      assert.equal(made.body.vettingCounts, true);
      const list = await call(t, 'GET', '/api/v1/identity-providers', { cookie: admin.cookie });
      assert.deepEqual(list.body.items.map((i: { id: string }) => i.id).sort(), ['from-file', 'txdps']);
      assert.equal(list.body.items.find((i: { id: string }) => i.id === 'from-file').source, 'file');
      const changed = await call(t, 'PATCH', '/api/v1/identity-providers/txdps', { cookie: admin.cookie, body: { oris: [TEST_ORI, 'TX0000000'], clientSecret: null } });
      assert.equal(changed.status, 200);
      assert.deepEqual([changed.body.oris, changed.body.hasClientSecret], [[TEST_ORI, 'TX0000000'], false]);
      // Nothing anywhere holds the secret in the clear: no answer, no audit row, no column.
      const everything = JSON.stringify([made.body, list.body, changed.body]);
      assert.ok(!everything.includes(SECRET));
      const audit = await t.services.db.kysely.selectFrom('audit_log').select(['action', 'details']).where('action', 'like', 'identity-provider.%').execute();
      assert.deepEqual(audit.map((r) => r.action).sort(), ['identity-provider.changed', 'identity-provider.created']);
      assert.ok(!JSON.stringify(audit).includes(SECRET));
      const rows = await t.services.db.kysely.selectFrom('identity_provider').select('client_secret').execute();
      assert.ok(rows.every((r) => !String(r.client_secret ?? '').includes(SECRET)));
    });

    it('refuses a taken id or issuer, bad fields, and changes to a provider from the file', async () => {
      const twice = await call(t, 'POST', '/api/v1/identity-providers', { cookie: admin.cookie, body: provider('from-file') });
      assert.deepEqual([twice.status, twice.body.error.code], [409, 'PROVIDER_EXISTS']);
      const sameIssuer = await call(t, 'POST', '/api/v1/identity-providers', { cookie: admin.cookie, body: { ...provider('other'), issuer: 'https://from-file.idp.example.gov' } });
      assert.deepEqual([sameIssuer.status, sameIssuer.body.error.code], [409, 'ISSUER_TAKEN']);
      for (const bad of [{ issuer: 'http://idp.example.gov' }, { issuer: 'https://idp.example.gov/?x=1' }, { oris: [] }, { oris: ['nine'] }, { id: 'Has Spaces' }, { scopes: ['profile'] }, { protocol: 'ws-fed' }, { extra: 1 }]) {
        const res = await call(t, 'POST', '/api/v1/identity-providers', { cookie: admin.cookie, body: { ...provider('valid-id'), ...bad } });
        assert.equal(res.status, 400, JSON.stringify(bad));
      }
      const fromFile = await call(t, 'PATCH', '/api/v1/identity-providers/from-file', { cookie: admin.cookie, body: { oris: ['TX0000000'] } });
      assert.deepEqual([fromFile.status, fromFile.body.error.code], [409, 'PROVIDER_FROM_FILE']);
      assert.equal((await call(t, 'PATCH', '/api/v1/identity-providers/nope', { cookie: admin.cookie, body: { displayName: 'x' } })).status, 404);
    });

    it('a disabled provider starts no sign-in and is not offered; a SAML provider is registered with the GFIPM names and signs in by redirect (federation-saml.test.ts)', async () => {
      assert.equal((await call(t, 'POST', '/api/v1/identity-providers', { cookie: admin.cookie, body: samlProvider('saml-idp') })).status, 201);
      const saml = await call(t, 'GET', '/api/v1/identity-providers', { cookie: admin.cookie });
      assert.equal(saml.body.items.find((i: { id: string }) => i.id === 'saml-idp').claims.federationId, 'gfipm:2.0:user:FederationId');
      const samlStart = await call(t, 'GET', '/api/v1/federation/saml-idp/start', {});
      assert.equal(samlStart.status, 302);
      assert.ok(samlStart.headers.get('location')!.startsWith('https://saml-idp.idp.example.gov/sso?SAMLRequest='));
      const disabled = await call(t, 'POST', '/api/v1/identity-providers/from-file/disable', { cookie: admin.cookie });
      assert.deepEqual([disabled.status, disabled.body.disabled], [200, true]);
      const start = await call(t, 'GET', '/api/v1/federation/from-file/start', {});
      assert.deepEqual([start.status, start.body.error.code], [404, 'NOT_FOUND']);
      const offered = await call(t, 'GET', '/api/v1/federation/providers', {});
      assert.ok(!offered.body.items.some((i: { id: string }) => i.id === 'from-file'));
      assert.ok(offered.body.items.some((i: { id: string; protocol: string }) => i.id === 'saml-idp' && i.protocol === 'saml'));
      assert.equal((await call(t, 'POST', '/api/v1/identity-providers/from-file/enable', { cookie: admin.cookie })).body.disabled, false);
      const actions = await t.services.db.kysely.selectFrom('audit_log').select('action').where('target', '=', 'from-file').execute();
      assert.ok(['identity-provider.disabled', 'identity-provider.enabled'].every((a) => actions.some((r) => r.action === a)));
    });
  });
}
