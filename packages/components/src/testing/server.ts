/**
 * Helpers for element tests, which run against the real server mounted into
 * the test runner. Signing in takes every step a person takes: password, the
 * one-time code (from the runner's test-only `/__jc/totp`, or computed here
 * from a secret this page set up), and the system-use notice. Codes, secrets
 * and tokens never go into an error message or the console.
 */
import type { ApiClient } from '../api/client.js';
import type { Me } from '../api/schemas.js';
import { SessionStore } from '../api/session.js';
import * as steps from '../api/sign-in-steps.js';
export const PASSWORD = 'element-test-password';

/** The seeded demo accounts (packages/server/src/seed.ts); the test runner seeds its database. */
export const DEMO_PASSWORD = 'corridor-demo-2026';
export const DEMO = {
  dana: { name: 'Sgt. Dana Reyes', email: 'dana.reyes@txdps.demo.test', password: DEMO_PASSWORD },
  marcus: { name: 'Det. Marcus Hill', email: 'marcus.hill@hayscounty.demo.test', password: DEMO_PASSWORD },
  ray: { name: 'Tpr. Ray Whitehorse', email: 'ray.whitehorse@ohp.demo.test', password: DEMO_PASSWORD },
  lena: { name: 'Ofc. Lena Ortiz', email: 'lena.ortiz@laredo.demo.test', password: DEMO_PASSWORD },
  pat: { name: 'Dep. Pat Nguyen', email: 'pat.nguyen@hayscounty.demo.test', password: DEMO_PASSWORD },
  /** The site administrator. */
  admin: { name: 'Alex Morgan', email: 'admin@justiceconnect.demo.test', password: DEMO_PASSWORD },
} as const;

/** The seeded agency new test accounts join (sign-up requires an agency's ORI). */
export const TEST_AGENCY_ORI = 'TXDPS0000';

export interface TestUser {
  name: string;
  email: string;
  password: string;
}

let n = 0;
export function uniqueEmail(prefix = 'officer'): string {
  n += 1;
  return `${prefix}.${Date.now()}.${n}.${Math.random().toString(36).slice(2, 7)}@agency.demo.test`;
}

async function post(url: string, body: unknown) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), credentials: 'omit' });
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/**
 * Creates an account on the server at `origin` (same origin by default),
 * without signing this page in. Like every new account it starts *pending* in
 * its agency and not opted in; `activateUser` approves it.
 */
export async function createUser(name = 'Element Tester', origin = location.origin): Promise<TestUser> {
  const email = uniqueEmail();
  await post(`${origin}/api/auth/sign-up/email`, { name, email, password: PASSWORD, agencyOri: TEST_AGENCY_ORI });
  return { name, email, password: PASSWORD };
}

/**
 * Test-only: approves the account (as its agency administrator would),
 * unless `optedIn` is false opts it in to JusticeConnect, and gives it an
 * authenticator whose secret the runner derives from the email (`totpCode`).
 */
export async function activateUser(email: string, { optedIn = true } = {}): Promise<{ id: string }> {
  // The runner gives the account its own authenticator: a secret this page set up no longer counts.
  secrets.delete(email.toLowerCase());
  const res = await fetch(`/__jc/activate?${new URLSearchParams({ email, optedIn: String(optedIn) })}`, { method: 'POST' });
  if (!res.ok) throw new Error(`/__jc/activate answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/** A new account that may use communities at once (approved and opted in). */
export async function createActiveUser(name = 'Element Tester'): Promise<TestUser & { id: string }> {
  const user = await createUser(name);
  const { id } = await activateUser(user.email);
  return { ...user, id };
}

/* ---------- one-time codes ---------- */

function base32Bytes(secret: string): Uint8Array<ArrayBuffer> {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = secret.toUpperCase().replace(/[\s=]/g, '');
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const index = alphabet.indexOf(ch);
    if (index < 0) throw new Error('Not a Base32 secret.');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

/**
 * The one-time code an authenticator app shows for a Base32 secret at `at`
 * (RFC 6238: HMAC-SHA1 over the 30-second step, dynamic truncation, 6 digits), via WebCrypto.
 */
export async function totpFromSecret(secret: string, at = Date.now()): Promise<string> {
  const key = await crypto.subtle.importKey('raw', base32Bytes(secret), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const counter = new DataView(new ArrayBuffer(8));
  const step = Math.floor(at / 1000 / 30);
  counter.setUint32(0, Math.floor(step / 2 ** 32));
  counter.setUint32(4, step >>> 0);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, counter.buffer));
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(binary % 1_000_000).padStart(6, '0');
}

/** Secrets of authenticators this page set up (accounts that had none), by email. */
const secrets = new Map<string, string>();

/**
 * Test-only: the current one-time code of an account, as its authenticator
 * app shows it. The runner (`GET /__jc/totp`) knows the secrets of the demo
 * accounts and of those `activateUser` enrolled, and forgets the codes the
 * account already used, so a test may sign the same account in twice.
 */
export async function totpCode(email: string): Promise<string> {
  const res = await fetch(`/__jc/totp?${new URLSearchParams({ email })}`);
  if (!res.ok) throw new Error(`/__jc/totp answered ${res.status} for ${email}`);
  const { code } = (await res.json()) as { code: string };
  const own = secrets.get(email.toLowerCase());
  return own ? totpFromSecret(own) : code;
}

/** A POST from this page to its own origin, with its cookies; throws (without the body sent) on an error answer. */
async function pagePost<T = unknown>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/**
 * Signs this page in to the same-origin server (cookie), through the API, the
 * way jc-sign-in does: password, then the one-time code, then the system-use
 * notice. An account without an authenticator (a new, not yet approved one)
 * gets one set up first, with a secret this page keeps for its later sign-ins.
 */
export async function signInPage(user: { email: string; password: string }) {
  const email = user.email.toLowerCase();
  const first = await pagePost<{ twoFactorRedirect?: boolean }>('/api/auth/sign-in/email', { email, password: user.password });
  if (first?.twoFactorRedirect) {
    await pagePost('/api/auth/two-factor/verify-totp', { code: await totpCode(email) });
  } else {
    const { totpURI } = await pagePost<{ totpURI: string }>('/api/auth/two-factor/enable', { password: user.password });
    const secret = new URL(totpURI).searchParams.get('secret')!;
    secrets.set(email, secret);
    await pagePost('/api/auth/two-factor/verify-totp', { code: await totpFromSecret(secret) });
  }
  const notice = (await (await fetch('/api/v1/notice')).json()) as { version: string };
  await pagePost('/api/v1/notice/accept', { version: notice.version });
}

/**
 * Signs a `SessionStore` (a provider's `context.session`) or a bare
 * `ApiClient` in — often the cross-origin instance's, which shares the
 * runner's database — through every step: password, the one-time code (or,
 * for an account without an authenticator, setting one up), the notice.
 * Answers the signed-in user for a store.
 */
export async function signInSession(target: SessionStore | ApiClient, user: { email: string; password: string }): Promise<Me | null> {
  const email = user.email.toLowerCase();
  if (target instanceof SessionStore) {
    let state = await steps.signIn(target, email, user.password);
    if (state.status === 'code-required') state = await steps.verifyCode(target, await totpCode(email));
    else if (state.status === 'enrol-required' && state.enrolment) {
      secrets.set(email, state.enrolment.secret);
      state = await steps.confirmEnrolment(target, await totpFromSecret(state.enrolment.secret));
    }
    if (state.status === 'notice-required') state = await steps.acceptNotice(target);
    if (state.status !== 'signed-in') throw new Error(`Signing ${email} in stopped at ${state.status}.`);
    return state.me;
  }
  const { secondFactor } = await steps.postPassword(target, email, user.password);
  if (secondFactor) await steps.postCode(target, await totpCode(email));
  else {
    const enrolment = await steps.postEnrolment(target, user.password);
    secrets.set(email, enrolment.secret);
    await steps.postCode(target, await totpFromSecret(enrolment.secret));
  }
  await steps.postNoticeAcceptance(target, (await target.getNotice()).version);
  return null;
}

/** Signs this page out of the same-origin server (cookie), whoever is signed in. */
export async function signOutPage() {
  await fetch('/api/auth/sign-out', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  sessionStorage.clear();
}

/** A JSON request to the same-origin API as whoever this page is signed in as; throws on an error answer. */
export async function apiCall<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

export async function testConfig(): Promise<{ crossOriginApi: string }> {
  return (await fetch('/__jc/test-config')).json();
}
