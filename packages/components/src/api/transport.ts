import * as z from 'zod/mini';
import { errorMessage, fieldMessages } from '../shared/localization.js';
import {
  AuthSessionSchema,
  ErrorBodySchema,
  MeSchema,
  SessionInfoSchema,
  SystemUseNoticeSchema,
  type AuthSession,
  type Me,
  type MePatch,
  type SessionInfo,
  type SystemUseNotice,
} from './base-schemas.js';

/*
 * The client's transport, which every widget loads: requests (JSON, FormData,
 * the bearer token across origins, revalidation with ETags, activity), the
 * live stream's connection, and the steps of a sign-in and the session they
 * make. Each resource's endpoints live in their own module, with only the
 * schemas they check (communities.ts, posts.ts, forums.ts, replies.ts,
 * activities.ts, services.ts, announcements.ts), as an object of methods whose
 * `this` is a transport; `ApiClient` (client.ts) is the transport with all of them.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** What a new authenticator needs: its `otpauth://` URI (for the QR code), its secret in Base32 (to type in), and the backup codes. */
export interface Enrolment {
  totpURI: string;
  secret: string;
  backupCodes: string[];
  /** The URI's QR code, made by the server: a string a row, `1` for a dark module. */
  qr: string[];
}

/** Answers of `/api/v1` that tell which sign-in step a session is missing, or that it ended. */
export const SIGN_IN_CODES = new Set(['TWO_FACTOR_REQUIRED', 'NOTICE_REQUIRED', 'SESSION_EXPIRED', 'UNAUTHENTICATED']);

/** `auth-error` events: a request answered one of `SIGN_IN_CODES`. */
export interface AuthErrorDetail {
  status: number;
  code: string;
  path: string;
}

/** Requests under /api/v1 that do not count as the user's activity (they never look at the session). */
const NOT_ACTIVITY = /^\/api\/v1\/(health|notice)(\/|\?|$)/;

/**
 * The idle timeout is about the person, not the page: a request sent more than
 * this long after the user last pressed a key, clicked, touched or scrolled
 * is the page's own (a live refresh, a reconnect) and is marked
 * `X-JC-Background: 1`, so it does not keep the session alive.
 */
export const INTERACTION_WINDOW_MS = 15_000;
let lastInteraction = Date.now();
let watching = false;
function watchInteraction() {
  if (watching || typeof document === 'undefined') return;
  watching = true;
  const note = () => {
    lastInteraction = Date.now();
  };
  for (const type of ['pointerdown', 'keydown', 'wheel', 'touchstart']) document.addEventListener(type, note, { capture: true, passive: true });
}
/** Whether the user touched the page recently enough for a request to count as theirs. */
export const userIsActive = () => Date.now() - lastInteraction <= INTERACTION_WINDOW_MS;

export interface ApiClientOptions {
  /** The JusticeConnect server, e.g. `https://jc.example.gov`. */
  baseUrl: string;
  /** Replaces `fetch` (Storybook fixtures use this). */
  fetch?: typeof fetch;
  /** Where a cross-origin page keeps its bearer token; `null` keeps it in memory only. */
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
}

export interface RequestOptions<T> {
  method?: string;
  /** JSON, or a FormData (sent as multipart/form-data). */
  body?: unknown;
  schema?: z.ZodMiniType<T>;
  /** Across origins: this bearer token instead of the kept one (sign-out sends the token it has just dropped). */
  bearer?: string | null;
}

export const notAllowed = () => new ApiError(403, 'ORIGIN_NOT_ALLOWED', 'This site is not allowed to sign in to JusticeConnect.');

function pageOrigin(): string {
  return typeof location === 'undefined' ? '' : location.origin;
}

/** This tab's sessionStorage, or null where there is none or it is refused (the bearer token; the widgets' unsent posts and replies). */
export function tabStorage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

/** The errors every request may end in, written once (in the reader's language, like the server's own). */
export const unreachable = () => new ApiError(0, 'NETWORK', 'Could not reach JusticeConnect. Check your connection and try again.');
export const unreadable = (status: number) => new ApiError(status, 'BAD_RESPONSE', errorMessage(status, 'BAD_RESPONSE', 'The server sent an answer that could not be read.'));
export const httpError = (status: number) => new ApiError(status, 'HTTP_' + status, errorMessage(status, 'HTTP_' + status, `The server answered ${status}.`));

/**
 * The transport of the client every widget talks through. A page on the server's own
 * origin uses the HttpOnly session cookie; a page on another (allow-listed)
 * origin gets a bearer token at sign-in, because browsers block third-party
 * cookies, and keeps it in this tab's sessionStorage.
 *
 * Sign-in has steps (password, one-time code or enrolment, system-use
 * notice); `SessionStore` holds where it stands and api/sign-in-steps.ts takes the steps. The client fires `activity` after each
 * request that counted as the user's activity (the idle timeout starts again;
 * `lastActivity` says when) and `auth-error` (an `AuthErrorDetail`) when an
 * answer says a sign-in step is missing or the session ended.
 */
export class ApiTransport extends EventTarget {
  readonly baseUrl: string;
  readonly crossOrigin: boolean;
  #fetch: typeof fetch;
  #storage: ApiClientOptions['storage'];
  #memoryToken: string | null = null;
  /**
   * A page on another origin cannot keep the second step's HttpOnly cookie, so
   * it holds the challenge the password step answered, in memory only, until
   * the code is accepted or the sign-in is abandoned.
   */
  challenge: string | null = null;
  /** When the last request that counted as activity was sent (`Date.now()`), or 0. */
  lastActivity = 0;
  /**
   * The last answer to each GET with its ETag, in memory only (the server
   * marks pages no-store: nothing is kept on disk), so asking again sends
   * If-None-Match and an unchanged page comes back as a bodiless 304.
   * Dropped at sign-out and whenever the session turns out to have ended.
   */
  #pages = new Map<string, { etag: string; json: unknown }>();

  constructor(options: ApiClientOptions) {
    super();
    this.baseUrl = new URL(options.baseUrl, pageOrigin() || undefined).origin;
    this.crossOrigin = this.baseUrl !== pageOrigin();
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#storage = options.storage === undefined ? tabStorage() : options.storage;
    watchInteraction();
  }

  get #tokenKey() {
    return `jc-token:${this.baseUrl}`;
  }

  get token(): string | null {
    return this.#storage?.getItem(this.#tokenKey) ?? this.#memoryToken;
  }

  set token(value: string | null) {
    this.#memoryToken = value;
    if (value) this.#storage?.setItem(this.#tokenKey, value);
    else this.#storage?.removeItem(this.#tokenKey);
  }

  /**
   * A raw authenticated GET whose body the caller reads itself (the live-event stream; a file downloaded
   * across origins, where a plain link carries no credentials). Rejects with NETWORK when the server
   * cannot be reached (or the signal aborts it); a 401 or 403 still tells the session.
   */
  async stream(path: string, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
    const { response, background, sentAt } = await this.#send(path, { ...headers }, this.crossOrigin ? this.token : null, { cache: 'no-store', signal });
    // Opening the stream is a request like any other (its heartbeats are not); a reconnect on its own is the page's.
    if (response.ok && !background) this.#activity(sentAt);
    else if (response.status === 401 || response.status === 403) {
      const parsed = ErrorBodySchema.safeParse(await response.clone().json().catch(() => null));
      if (parsed.success) this.#authError(response.status, parsed.data.error.code, path);
    }
    return response;
  }

  /** A request sent at `sentAt` counted as the user's activity. */
  #activity(sentAt: number) {
    this.lastActivity = Math.max(this.lastActivity, sentAt);
    this.dispatchEvent(new Event('activity'));
  }

  /** An answer with `code`: an `auth-error` event if it says a sign-in step is missing or the session ended. */
  #authError(status: number, code: string, path: string) {
    if (SIGN_IN_CODES.has(code)) this.dispatchEvent(new CustomEvent<AuthErrorDetail>('auth-error', { detail: { status, code, path } }));
  }

  /**
   * Sends a request as every request is sent: with the session cookie on the server's own origin, without
   * cookies across origins (the bearer `token` instead), and marked `x-jc-background` when it is the page's
   * own (see `INTERACTION_WINDOW_MS`). Rejects with NETWORK when the server cannot be reached.
   */
  async #send(path: string, headers: Record<string, string>, token: string | null, init: RequestInit) {
    if (token) headers.authorization = `Bearer ${token}`;
    const background = !userIsActive();
    if (background) headers['x-jc-background'] = '1';
    const sentAt = Date.now();
    const response = await this.#fetch(`${this.baseUrl}${path}`, {
      ...init,
      headers,
      credentials: this.crossOrigin ? 'omit' : 'same-origin',
      mode: 'cors',
    }).catch(() => Promise.reject(unreachable()));
    return { response, background, sentAt };
  }

  async request<T = unknown>(path: string, options: RequestOptions<T> = {}): Promise<{ data: T; response: Response }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const form = typeof FormData !== 'undefined' && options.body instanceof FormData ? options.body : null;
    // A FormData sets its own multipart content type (with the boundary).
    if (options.body !== undefined && !form) headers['content-type'] = 'application/json';
    const token = this.crossOrigin ? (options.bearer === undefined ? this.token : options.bearer) : null;
    const method = options.method ?? 'GET';
    const pageKey = method === 'GET' ? `${token ?? ''}\n${path}` : null;
    const kept = pageKey ? this.#pages.get(pageKey) : undefined;
    if (kept) headers['if-none-match'] = kept.etag;
    const { response, background, sentAt } = await this.#send(path, headers, token, {
      method,
      body: form ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
    // The server counts every request under /api/v1 that carries a session as activity, unless marked as the page's own.
    if (path.startsWith('/api/v1/') && !NOT_ACTIVITY.test(path) && response.status !== 401 && !background) this.#activity(sentAt);
    if (response.status === 304 && kept) return this.#answer(kept.json, response, options.schema);
    if (response.status === 401) this.#pages.clear();
    const text = await response.text();
    let json: unknown = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        throw unreadable(response.status);
      }
    }
    if (!response.ok) {
      const parsed = ErrorBodySchema.safeParse(json);
      if (parsed.success) {
        const { code, message, fields } = parsed.data.error;
        if (path.startsWith('/api/v1/')) this.#authError(response.status, code, path);
        throw new ApiError(response.status, code, errorMessage(response.status, code, message), fieldMessages(fields ?? {}));
      }
      throw httpError(response.status);
    }
    const etag = response.headers.get('etag');
    if (pageKey && etag) {
      this.#pages.delete(pageKey);
      this.#pages.set(pageKey, { etag, json });
      // The oldest first out past a hundred pages.
      if (this.#pages.size > 100) this.#pages.delete(this.#pages.keys().next().value!);
    }
    return this.#answer(json, response, options.schema);
  }

  #answer<T>(json: unknown, response: Response, schema?: z.ZodMiniType<T>): { data: T; response: Response } {
    if (!schema) return { data: json as T, response };
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw unreadable(response.status);
    return { data: parsed.data, response };
  }

  /** The system-use notice to accept at every sign-in (public). */
  async getNotice(): Promise<SystemUseNotice> {
    return (await this.request('/api/v1/notice', { schema: SystemUseNoticeSchema })).data;
  }

  /** The session's idle timeout and absolute end; asking counts as activity, so it keeps the session alive. */
  async sessionInfo(): Promise<SessionInfo> {
    return (await this.request('/api/v1/session', { schema: SessionInfoSchema })).data;
  }

  /** better-auth's view of the session at any step (who it is, whether an authenticator is set up), or null. */
  async authSession(): Promise<AuthSession> {
    if (this.crossOrigin && !this.token) return null;
    return (await this.request('/api/auth/get-session', { schema: AuthSessionSchema })).data;
  }

  /** Across origins, keeps the session's bearer token the answer carries (`required`: it must carry one). */
  takeToken(response: Response, required: boolean) {
    if (!this.crossOrigin) return;
    const token = response.headers.get('set-auth-token');
    if (token) this.token = token;
    else if (required) throw notAllowed();
  }

  /** Ends the session: the token is dropped at once, then the server is told. */
  async signOut(): Promise<void> {
    this.challenge = null;
    this.#pages.clear();
    const bearer = this.token;
    this.token = null;
    await this.request('/api/auth/sign-out', { method: 'POST', body: {}, bearer });
  }

  async updateMe(patch: MePatch): Promise<Me> {
    return (await this.request('/api/v1/me', { method: 'PATCH', body: patch, schema: MeSchema })).data;
  }

  /** An API path (such as an attachment's `url`) as an absolute URL on this server. */
  resolve(path: string): string {
    return new URL(path, this.baseUrl).href;
  }
}

/** An endpoint's answer, checked against its schema (`request` with the common options, for the resource modules). */
export async function call<T>(api: ApiTransport, path: string, schema: z.ZodMiniType<T>, method?: string, body?: unknown): Promise<T> {
  return (await api.request(path, { method, body, schema })).data;
}

/** A resource's endpoints as methods of a transport (`this` is the transport). */
export type Endpoints<M> = { [K in keyof M]: M[K] extends (this: ApiTransport, ...args: infer A) => infer R ? (...args: A) => R : never };

/** Adds these resources' endpoints to every transport (a widget's `JcController` does, for the resources it names). */
export function addEndpoints(...resources: readonly object[]): void {
  Object.assign(ApiTransport.prototype, ...resources);
}

type Intersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** A transport with the endpoints of these resources (e.g. `ClientWith<[typeof postEndpoints, typeof communityEndpoints]>`). */
export type ClientWith<R extends readonly object[]> = ApiTransport & Intersection<Endpoints<R[number]>>;
