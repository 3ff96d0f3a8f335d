import type { Context } from 'hono';
import type { AppEnv } from '../http/context.ts';
import { errorBody, requestIdOf } from '../http/errors.ts';

/*
 * Handing a checked request to better-auth, and its answer back in
 * JusticeConnect's shape: errors as `{ error: { code, message } }`, and no
 * session token in any answer body (a page script could read it there).
 */

/** Removes the session token from an answer body: at the top (sign-in steps) and in `session` (get-session). */
function withoutTokens(payload: unknown): unknown {
  if (!payload || typeof payload !== 'object') return payload;
  const { token: _token, ...rest } = payload as Record<string, unknown>;
  const session = rest.session;
  if (session && typeof session === 'object') {
    const { token: _sessionToken, ...kept } = session as Record<string, unknown>;
    rest.session = kept;
  }
  return rest;
}

/** better-auth answers `{ code, message }`; JusticeConnect answers `{ error: { code, message } }`. */
export async function normalize(c: Context<AppEnv>, res: Response): Promise<Response> {
  const headers = new Headers(res.headers);
  const origin = c.req.header('origin');
  const { config } = c.get('services');
  const isJson = (res.headers.get('content-type') ?? '').includes('json');
  // A bearer token is only handed to allow-listed other origins, which cannot use the
  // cookie (in `set-auth-token`, signed); a same-origin page keeps its session in the
  // HttpOnly cookie alone.
  const crossOrigin = Boolean(origin && config.trustedOrigins.includes(origin) && origin !== config.baseUrl);
  if (!crossOrigin) headers.delete('set-auth-token');
  if (res.status < 400 && isJson) {
    let payload = withoutTokens(await res.json().catch(() => null));
    headers.delete('content-length');
    // A page on another origin cannot keep the two-factor challenge's cookie (third-party cookies are
    // blocked), so it gets the challenge in the body and sends it back with the code.
    if (crossOrigin) {
      const name = await twoFactorCookieName(c);
      const cookie = res.headers.getSetCookie().find((h) => h.startsWith(`${name}=`));
      const value = cookie?.slice(name.length + 1).split(';')[0];
      if (value) {
        // The token of the session the password step made (and the second-factor step deleted) is worth nothing: not sent.
        headers.delete('set-auth-token');
        payload = { ...(payload as Record<string, unknown> | null), challenge: value };
      }
    }
    return new Response(JSON.stringify(payload), { status: res.status, headers });
  }
  if (res.status < 400 || !isJson) {
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
  }
  const payload = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
  headers.delete('content-length');
  const body = errorBody(payload.code ?? 'AUTH_ERROR', payload.message ?? 'Authentication failed.', undefined, requestIdOf(c));
  return new Response(JSON.stringify(body), { status: res.status, headers });
}

/** Hands a request (with its already validated body, and optionally an extra cookie) to better-auth; its answer as better-auth gave it. */
export async function send(c: Context<AppEnv>, body?: unknown, cookie?: string): Promise<Response> {
  const { auth } = c.get('services');
  let request = c.req.raw;
  if (body !== undefined || cookie) {
    const headers = new Headers(c.req.raw.headers);
    headers.delete('content-length');
    headers.set('content-type', 'application/json');
    if (cookie) headers.set('cookie', [headers.get('cookie'), cookie].filter(Boolean).join('; '));
    request = new Request(c.req.url, { method: c.req.method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }
  return auth.handler(request);
}

/** As `send`, with the answer normalized for the page. */
export async function forward(c: Context<AppEnv>, body?: unknown, cookie?: string): Promise<Response> {
  return normalize(c, await send(c, body, cookie));
}

const cookieNames = new WeakMap<object, { twoFactor: string; session: string }>();
async function names(c: Context<AppEnv>) {
  const { auth } = c.get('services');
  let found = cookieNames.get(auth);
  if (!found) {
    const ctx = await auth.$context;
    found = { twoFactor: ctx.createAuthCookie('two_factor').name, session: ctx.authCookies.sessionToken.name };
    cookieNames.set(auth, found);
  }
  return found;
}

/** The name of better-auth's two-factor challenge cookie (its prefix depends on the deployment). */
export async function twoFactorCookieName(c: Context<AppEnv>): Promise<string> {
  return (await names(c)).twoFactor;
}

/** The name of better-auth's session cookie. */
export async function sessionCookieName(c: Context<AppEnv>): Promise<string> {
  return (await names(c)).session;
}
