import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import pg from 'pg';
import { createApp, type JusticeConnectApp } from '../src/app.ts';
import { NOTICE } from '../src/routes/notice.ts';
import { demoTotpSecret } from '../src/seed.ts';
import { currentCode, enrolWithSecret } from '../src/totp.ts';
import { loadConfig } from '../src/config.ts';

export const BASE_URL = 'http://localhost:8787';
export const OTHER_ORIGIN = 'http://portal.example.test:5173';

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** Makes an empty database and says how to reach it. */
  create(dir: string): Promise<{ url: string; drop(): Promise<void> }>;
}

const sqlite: Backend = {
  name: 'sqlite',
  create: async (dir) => ({ url: path.join(dir, 'test.sqlite'), drop: async () => {} }),
};

/** A fresh PostgreSQL database per app, on the server named by JC_TEST_DATABASE_URL. */
export function postgres(adminUrl: string): Backend {
  return {
    name: 'postgres',
    async create() {
      const name = `jc_test_${Date.now()}_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
      await admin.end();
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return {
        url: url.toString(),
        async drop() {
          const a = new pg.Client({ connectionString: adminUrl });
          await a.connect();
          await a.query(`DROP DATABASE IF EXISTS ${a.escapeIdentifier(name)} WITH (FORCE)`);
          await a.end();
        },
      };
    },
  };
}

/** SQLite always; PostgreSQL too when JC_TEST_DATABASE_URL is set (CI sets it). */
export function backends(): Backend[] {
  const pgUrl = process.env.JC_TEST_DATABASE_URL;
  return pgUrl ? [sqlite, postgres(pgUrl)] : [sqlite];
}

export interface TestApp extends JusticeConnectApp {
  dir: string;
  databaseUrl: string;
  /** Closes the app and removes its database and data folder. */
  dispose(): Promise<void>;
}

export async function startApp(backend: Backend, env: Record<string, string> = {}, extra: Parameters<typeof createApp>[2] = {}): Promise<TestApp> {
  const dir = mkdtempSync(path.join(tmpdir(), 'jc-test-'));
  const database = await backend.create(dir);
  const config = loadConfig({
    JC_DATA_DIR: dir,
    JC_DATABASE_URL: database.url,
    JC_BASE_URL: BASE_URL,
    JC_TRUSTED_ORIGINS: OTHER_ORIGIN,
    JC_LOG_REQUESTS: 'false',
    // Tests make many accounts from one (absent) address: the limits are tested on their own (security.test.ts).
    JC_SIGN_IN_RATE_PER_MINUTE: '100000',
    JC_WRITE_RATE_PER_MINUTE: '1000000',
    ...env,
  });
  const app = await createApp(config, {}, extra);
  await app.services.db.kysely
    .insertInto('agency')
    .values({ id: 'agency-test', name: 'Test Agency', ori: TEST_ORI, created_at: new Date().toISOString() })
    .execute();
  return {
    ...app,
    dir,
    databaseUrl: database.url,
    async dispose() {
      await app.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The app of the `describe` block that calls this: started before its tests
 * (a `before` hook registered here) and disposed after them. Filled in when
 * it starts, so read it only in hooks and tests.
 */
export function suiteApp(...args: Parameters<typeof startApp>): TestApp {
  const t = {} as TestApp;
  before(async () => {
    Object.assign(t, await startApp(...args));
  });
  after(() => t.dispose());
  return t;
}

export interface CallOptions {
  body?: unknown;
  rawBody?: string;
  cookie?: string;
  token?: string;
  origin?: string | null;
  headers?: Record<string, string>;
}

/** The X-Request-Id `call` sends unless told otherwise (so errors answer `error.requestId` with it). */
export const TEST_REQUEST_ID = 'jc-test-request';

export interface CallResult {
  status: number;
  headers: Headers;
  body: any;
}

/** One request to the app, as a browser on BASE_URL would send it unless told otherwise. */
export async function call(t: JusticeConnectApp, method: string, url: string, o: CallOptions = {}): Promise<CallResult> {
  // One request id for every call (a client may name its own): answers that must not differ
  // (a probe for a hidden object and for a missing one) differ in no request id either.
  const headers: Record<string, string> = { 'x-request-id': TEST_REQUEST_ID, ...o.headers };
  if (o.origin !== null) headers.origin = o.origin ?? BASE_URL;
  if (o.cookie) headers.cookie = o.cookie;
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let body: string | undefined = o.rawBody;
  if (o.body !== undefined) body = JSON.stringify(o.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const res = await t.app.request(url, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

export const PASSWORD = 'correct-horse-battery';
export const TEST_ORI = 'TEST00001';

let counter = 0;
export function uniqueEmail(prefix = 'user') {
  counter += 1;
  return `${prefix}.${Date.now()}.${counter}@agency.demo.test`;
}

/**
 * Signs a new user up, gives them an authenticator (a known secret, as the
 * demo accounts have) and signs them in the whole way: password, one-time
 * code, system-use notice. Returns the session cookie.
 */
export async function signUpAndIn(t: JusticeConnectApp, name = 'Test Officer', email = uniqueEmail()) {
  const up = await call(t, 'POST', '/api/auth/sign-up/email', { body: { name, email, password: PASSWORD, agencyOri: TEST_ORI } });
  if (up.status !== 200) throw new Error(`sign-up failed: ${up.status} ${JSON.stringify(up.body)}`);
  const user = await t.services.db.kysely.selectFrom('user').select('id').where('email', '=', email.toLowerCase()).executeTakeFirstOrThrow();
  await enrolWithSecret(t.services.db.kysely, t.services.config.authSecret, user.id, testSecret(email));
  return signIn(t, email);
}

/** The authenticator secret test accounts get (derived from the email, like the demo accounts'). */
export const testSecret = (email: string) => demoTotpSecret(email);

/** The code the account's authenticator shows now. Test scaffolding: forgets the codes it used, so a test may sign in twice within 30 seconds. */
export async function codeFor(t: JusticeConnectApp, email: string): Promise<string> {
  const user = await t.services.db.kysely.selectFrom('user').select('id').where('email', '=', email.toLowerCase()).executeTakeFirstOrThrow();
  await t.services.db.kysely.deleteFrom('totp_used').where('user_id', '=', user.id).execute();
  return currentCode(testSecret(email));
}

/** Signs an existing, enrolled account in: password, then the one-time code, then the notice. */
export async function signIn(t: JusticeConnectApp, email: string, password = PASSWORD) {
  const first = await call(t, 'POST', '/api/auth/sign-in/email', { body: { email, password } });
  if (first.status !== 200) throw new Error(`sign-in failed: ${first.status} ${JSON.stringify(first.body)}`);
  let cookie: string;
  if (first.body.twoFactorRedirect) {
    const challenge = first.headers.getSetCookie().find((c) => c.includes('two_factor='));
    if (!challenge) throw new Error('no two-factor challenge cookie');
    const second = await call(t, 'POST', '/api/auth/two-factor/verify-totp', { cookie: challenge.split(';')[0], body: { code: await codeFor(t, email) } });
    if (second.status !== 200) throw new Error(`code refused: ${second.status} ${JSON.stringify(second.body)}`);
    cookie = sessionCookie(second.headers);
  } else {
    cookie = sessionCookie(first.headers);
  }
  const accepted = await call(t, 'POST', '/api/v1/notice/accept', { cookie, body: { version: NOTICE.version } });
  if (accepted.status !== 200) throw new Error(`notice refused: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  const user = await t.services.db.kysely.selectFrom('user').select('id').where('email', '=', email.toLowerCase()).executeTakeFirstOrThrow();
  return { cookie, email, userId: user.id };
}

/** Signs an enrolled account in from an allow-listed other origin (challenge in the body, bearer token back); returns the token. */
export async function signInFrom(t: JusticeConnectApp, origin: string, email: string, password = PASSWORD): Promise<string> {
  const first = await call(t, 'POST', '/api/auth/sign-in/email', { origin, body: { email, password } });
  if (first.status !== 200 || !first.body.challenge) throw new Error(`sign-in failed: ${first.status} ${JSON.stringify(first.body)}`);
  const second = await call(t, 'POST', '/api/auth/two-factor/verify-totp', { origin, body: { code: await codeFor(t, email), challenge: first.body.challenge } });
  const token = second.headers.get('set-auth-token');
  if (second.status !== 200 || !token) throw new Error(`code refused: ${second.status} ${JSON.stringify(second.body)}`);
  const accepted = await call(t, 'POST', '/api/v1/notice/accept', { origin, token, body: { version: NOTICE.version } });
  if (accepted.status !== 200) throw new Error(`notice refused: ${accepted.status}`);
  return token;
}

export function sessionCookie(headers: Headers): string {
  const cookie = headers.getSetCookie().find((c) => c.includes('session_token='));
  if (!cookie) throw new Error('no session cookie was set');
  return cookie.split(';')[0]!;
}

/** Vets a user straight in the database (as their agency administrator would), optionally opting them in. */
export async function activate(t: JusticeConnectApp, userId: string, options: { optedIn?: boolean; siteAdmin?: boolean; agencyAdmin?: boolean } = {}) {
  await t.services.db.kysely
    .updateTable('profile')
    .set({
      status: 'active',
      opted_in: options.optedIn === false ? 0 : 1,
      site_admin: options.siteAdmin ? 1 : 0,
      agency_admin: options.agencyAdmin ? 1 : 0,
    })
    .where('user_id', '=', userId)
    .execute();
}

/** A signed-in, vetted, opted-in user. */
export async function activeUser(t: JusticeConnectApp, name = 'Active Officer', options: Parameters<typeof activate>[2] = {}) {
  const u = await signUpAndIn(t, name);
  await activate(t, u.userId, options);
  return u;
}

/** Signed-in, vetted, opted-in users, one for each name, made one after another. */
export async function activeUsers<const Names extends readonly string[]>(t: JusticeConnectApp, ...names: Names) {
  const users: Awaited<ReturnType<typeof activeUser>>[] = [];
  for (const name of names) users.push(await activeUser(t, name));
  return users as { -readonly [K in keyof Names]: Awaited<ReturnType<typeof activeUser>> };
}

let slugCounter = 0;
/** A community written straight to the database (test fixtures, not the API under test). */
export async function makeCommunity(
  t: JusticeConnectApp,
  options: { visibility: 'public' | 'moderated' | 'restricted'; parentId?: string | null; createdBy: string; name?: string },
) {
  slugCounter += 1;
  // As the API makes them: a UUID id, and a slug that never has an id's shape.
  const id = randomUUID();
  const slug = `c-${Date.now().toString(36)}-${slugCounter}-${randomBytes(3).toString('hex')}`;
  const at = new Date(Date.now() + slugCounter).toISOString();
  await t.services.db.kysely
    .insertInto('community')
    .values({
      id,
      parent_id: options.parentId ?? null,
      slug,
      name: options.name ?? `Community ${slugCounter}`,
      description: '',
      banner_url: null,
      tags: '[]',
      visibility: options.visibility,
      settings: '{}',
      created_by: options.createdBy,
      archived_at: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return { id, slug };
}

export async function addMember(
  t: JusticeConnectApp,
  communityId: string,
  userId: string,
  role: 'owner' | 'moderator' | 'member' = 'member',
  state: 'active' | 'requested' | 'invited' = 'active',
) {
  const at = new Date().toISOString();
  await t.services.db.kysely
    .insertInto('membership')
    .values({ community_id: communityId, user_id: userId, role, state, created_at: at, updated_at: at })
    .execute();
}
