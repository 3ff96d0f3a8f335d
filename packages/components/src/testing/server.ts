/** Helpers for element tests, which run against the real server mounted into the test runner. */
export const PASSWORD = 'element-test-password';

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

/** Creates an account on the server at `origin` (same origin by default), without signing this page in. */
export async function createUser(name = 'Element Tester', origin = location.origin) {
  const email = uniqueEmail();
  await post(`${origin}/api/auth/sign-up/email`, { name, email, password: PASSWORD });
  return { name, email, password: PASSWORD };
}

/** Signs this page out of the same-origin server (cookie), whoever is signed in. */
export async function signOutPage() {
  await fetch('/api/auth/sign-out', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  sessionStorage.clear();
}

export async function testConfig(): Promise<{ crossOriginApi: string }> {
  return (await fetch('/__jc/test-config')).json();
}
