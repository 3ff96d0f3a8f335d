import type { AsyncLocalStorage } from 'node:async_hooks';
import { getCurrentAuthContextAsyncLocalStorage, getCurrentDBAdapterAsyncLocalStorage, getRequestStateAsyncLocalStorage } from '@better-auth/core/context';

/*
 * better-auth keeps the context of a call in AsyncLocalStorage: three
 * instances, shared by every better-auth in the process. On Node 20 an
 * instance that has run once stays enabled, and with it an async hook on
 * every promise the process makes, better-auth's or not: after one
 * better-auth call, the health check served about a quarter fewer requests
 * a second (BENCHMARKS.md, issue 27), and so did every other route.
 *
 * So every call into better-auth (its API's endpoints and its request
 * handler) is counted while it runs, and when the last one in flight ends
 * the three instances are disabled; the next call's `run` enables them
 * again. Nothing of better-auth outlives its call: its background tasks are
 * awaited (`runInBackgroundOrAwait`, with no background handler configured),
 * and better-auth reads its context only inside a call. (Node 24's
 * AsyncContextFrame makes disabling them unnecessary; it does no harm there.)
 *
 * (The endpoint context's accessor is marked deprecated in favour of
 * functions that read the store; it is the one that hands out the instance.)
 */
const storages: AsyncLocalStorage<unknown>[] = await Promise.all([
  getCurrentAuthContextAsyncLocalStorage(),
  getRequestStateAsyncLocalStorage(),
  getCurrentDBAdapterAsyncLocalStorage(),
] as Promise<AsyncLocalStorage<unknown>>[]);

let inFlight = 0;

/** better-auth calls running now, in this process (for the tests). */
export const authCallsInFlight = () => inFlight;

/** better-auth's context storages (for the tests: disabled while no call runs). */
export const authStorages = (): readonly AsyncLocalStorage<unknown>[] => storages;

async function counted<T>(call: () => Promise<T>): Promise<T> {
  inFlight++;
  try {
    return await call();
  } finally {
    if (--inFlight === 0) for (const storage of storages) storage.disable();
  }
}

/** `auth` with every call into it counted, so its context storages are enabled only while one runs (above). */
export function scoped<A extends { api: object; handler: (request: Request) => Promise<Response> }>(auth: A): A {
  const api = new Proxy(auth.api, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? (...args: unknown[]) => counted(() => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)) : value;
    },
  });
  const handler = (request: Request) => counted(() => auth.handler(request));
  return new Proxy(auth, {
    get(target, key, receiver) {
      if (key === 'api') return api;
      if (key === 'handler') return handler;
      return Reflect.get(target, key, receiver);
    },
  });
}
