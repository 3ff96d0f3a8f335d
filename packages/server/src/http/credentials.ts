/**
 * Which session a credential names, remembered by one process for a few
 * minutes so the hot path skips better-auth's verification (the signature
 * check and its two lookups). Only a credential better-auth accepted is ever
 * stored, keyed by its exact text; the session it names is still read from
 * the database on every request (see `currentUser`), so revocation is never
 * delayed. Losing this cache (a restart, another process) costs one lookup.
 */
export class CredentialCache {
  readonly #entries = new Map<string, { sessionId: string; until: number }>();
  constructor(
    readonly ttlMs = 5 * 60_000,
    readonly max = 10_000,
  ) {}

  get(key: string): string | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.sessionId;
  }

  set(key: string, sessionId: string): void {
    // Oldest first out when full (a Map keeps insertion order).
    if (this.#entries.size >= this.max) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { sessionId, until: Date.now() + this.ttlMs });
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}

const AUTH_COOKIE = /(?:^|;)\s*((?:__Secure-|__Host-)?better-auth\.[^=;]*=[^;]*)/g;

/**
 * Everything better-auth reads to find a session: the Authorization header
 * (its bearer plugin) and every better-auth cookie, as sent. Two requests
 * with the same key get the same answer from better-auth. Null when there is
 * none of them (then there is no session to find).
 */
export function credentialKey(headers: Headers): string | null {
  const authorization = headers.get('authorization') ?? '';
  const cookies = [...(headers.get('cookie') ?? '').matchAll(AUTH_COOKIE)].map((m) => m[1]).join('; ');
  return authorization || cookies ? `${authorization}\n${cookies}` : null;
}
