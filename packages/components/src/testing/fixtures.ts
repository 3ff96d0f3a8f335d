import type { Me } from '../api/schemas.js';

/**
 * Recorded answers of the JusticeConnect API, so Storybook previews every
 * widget state offline. Shapes are the server's (`GET /api/v1/me` etc.).
 */
export const fixtureUsers = {
  optedIn: {
    id: 'usr_dana',
    name: 'Sgt. Dana Reyes',
    email: 'dana.reyes@txdps.demo.test',
    title: 'Sergeant, Highway Patrol',
    mobile: null,
    agency: { id: 'agy_txdps', name: 'Texas Department of Public Safety (demo)', ori: 'TXDPS0000' },
    optedIn: true,
    optedInAt: '2026-11-02T15:04:05.000Z',
  },
  notOptedIn: {
    id: 'usr_lena',
    name: 'Ofc. Lena Ortiz',
    email: 'lena.ortiz@laredo.demo.test',
    title: 'Patrol Officer',
    mobile: null,
    agency: { id: 'agy_laredo', name: 'Laredo Police Department (demo)', ori: 'TX2400200' },
    optedIn: false,
    optedInAt: null,
  },
} satisfies Record<string, Me>;

export interface FixtureOptions {
  /** Who is signed in at first (null: nobody). */
  me?: Me | null;
  /** Every request fails as if offline. */
  offline?: boolean;
  /** Requests never answer (to show loading states). */
  pending?: boolean;
  /** Milliseconds before each answer. */
  delay?: number;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A `fetch` that answers like the server, from memory. Give it to `<jc-provider .fetcher>`. */
export function fixtureFetch(options: FixtureOptions = {}): typeof fetch {
  let me: Me | null = options.me ?? null;
  return async (input, init) => {
    if (options.pending) return new Promise<Response>(() => {});
    if (options.delay) await new Promise((r) => setTimeout(r, options.delay));
    if (options.offline) throw new TypeError('Failed to fetch');
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const method = (init?.method ?? 'GET').toUpperCase();
    const body = init?.body ? JSON.parse(String(init.body)) : {};
    switch (`${method} ${url.pathname}`) {
      case 'GET /api/v1/me':
        return me ? json(200, me) : json(401, { error: { code: 'UNAUTHENTICATED', message: 'Sign in to use this.' } });
      case 'PATCH /api/v1/me':
        if (!me) return json(401, { error: { code: 'UNAUTHENTICATED', message: 'Sign in to use this.' } });
        me = { ...me, ...body, optedInAt: body.optedIn ? new Date().toISOString() : me.optedInAt };
        return json(200, me);
      case 'POST /api/auth/sign-in/email': {
        const user = Object.values(fixtureUsers).find((u) => u.email === body.email);
        if (!user || body.password !== 'corridor-demo-2026')
          return json(401, { error: { code: 'INVALID_EMAIL_OR_PASSWORD', message: 'Invalid email or password' } });
        me = user;
        return json(200, { redirect: false, user: { id: user.id, name: user.name, email: user.email } });
      }
      case 'POST /api/auth/sign-out':
        me = null;
        return json(200, { success: true });
      default:
        return json(404, { error: { code: 'NOT_FOUND', message: `No fixture for ${method} ${url.pathname}` } });
    }
  };
}
