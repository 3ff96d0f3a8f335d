/** Helpers for element tests, which run against the real server mounted into the test runner. */
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
 * Test-only: approves the account (as its agency administrator would) and,
 * unless `optedIn` is false, opts it in to JusticeConnect.
 */
export async function activateUser(email: string, { optedIn = true } = {}): Promise<{ id: string }> {
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

/** Signs this page in to the same-origin server (cookie), through the API. */
export async function signInPage(user: { email: string; password: string }) {
  const res = await fetch('/api/auth/sign-in/email', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
  if (!res.ok) throw new Error(`sign-in as ${user.email} answered ${res.status}: ${await res.text()}`);
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
