import { errorMessage, fieldMessages } from '../shared/localization.js';
import * as z from 'zod/mini';
import {
  AttachmentSchema,
  CommentListSchema,
  CommentSchema,
  CommunityPageSchema,
  CommunitySchema,
  ErrorBodySchema,
  ForumFlagListSchema,
  ForumListSchema,
  ForumSchema,
  LikeResultSchema,
  MeSchema,
  MemberListSchema,
  MemberSchema,
  MembershipResultSchema,
  OkSchema,
  PostPageSchema,
  PostSchema,
  ReactionsResultSchema,
  ReplyPageSchema,
  ReplySchema,
  TopicPageSchema,
  TopicSchema,
  AuthSessionSchema,
  EnableTwoFactorSchema,
  SessionInfoSchema,
  SignInAnswerSchema,
  SystemUseNoticeSchema,
  type AuthSession,
  type SessionInfo,
  type SystemUseNotice,
  type Attachment,
  type Comment,
  type Community,
  type CommunityCreate,
  type FlagReason,
  type Forum,
  type ForumCreate,
  type ForumFlag,
  type LikeResult,
  type CommunityListQuery,
  type CommunityPage,
  type Me,
  type MePatch,
  type Member,
  type MembershipResult,
  type MembershipState,
  type Post,
  type PostCreate,
  type PostListQuery,
  type PostPage,
  type ReactionKind,
  type ReactionsResult,
  type Reply,
  type ReplyCreate,
  type ReplyListQuery,
  type ReplyPage,
  type Topic,
  type TopicCreate,
  type TopicListQuery,
  type TopicPage,
  type TopicPatch,
} from './schemas.js';
import {
  AccessRequestListSchema,
  AccessRequestSchema,
  AnnouncementListSchema,
  ServiceListSchema,
  ServiceSchema,
  type AccessRequest,
  type Announcement,
  type Service,
} from './service-schemas.js';
import {
  ActivitySchema,
  ActivitySummaryListSchema,
  ActivityUpdatePageSchema,
  ActivityUpdateSchema,
  TodoListSchema,
  type Activity,
  type ActivityCreate,
  type ActivityListQuery,
  type ActivityPatch,
  type ActivitySummary,
  type ActivityUpdate,
  type ActivityUpdateCreate,
  type ActivityUpdateListQuery,
  type ActivityUpdatePage,
  type StepCreate,
  type StepMove,
  type StepPatch,
  type Todo,
} from './activity-schemas.js';

/** What joining answered: a member at once (200), or a request waiting for an owner or moderator (202). */
export interface JoinResult extends MembershipResult {
  requested: boolean;
}

const community = (ref: string) => `/api/v1/communities/${encodeURIComponent(ref)}`;
const post = (id: string) => `/api/v1/posts/${encodeURIComponent(id)}`;
const topic = (id: string) => `/api/v1/topics/${encodeURIComponent(id)}`;
const reply = (id: string) => `/api/v1/replies/${encodeURIComponent(id)}`;
const service = (id: string) => `/api/v1/services/${encodeURIComponent(id)}`;
const activity = (id: string) => `/api/v1/activities/${encodeURIComponent(id)}`;
const step = (id: string) => `/api/v1/steps/${encodeURIComponent(id)}`;

/** A query string of the set (not undefined, not empty) values, with its `?`; '' when none is set. */
function queryString(values: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== '') params.set(key, String(value));
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

/** What creating a topic answered: a new topic (201), or the one an earlier try with the same `clientId` made (200). */
export interface TopicCreateResult {
  topic: Topic;
  created: boolean;
}

/** What creating a reply answered: a new reply (201), or the one an earlier try with the same `clientId` made (200). */
export interface ReplyCreateResult {
  reply: Reply;
  created: boolean;
}

/** What creating a post answered: a new post (201), or the one an earlier try with the same `clientId` made (200). */
export interface PostCreateResult {
  post: Post;
  created: boolean;
}

function postQuery(query: PostListQuery): string {
  const params = new URLSearchParams();
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.cursor) params.set('cursor', query.cursor);
  if (query.type) params.set('type', query.type);
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

/** An error from the API (or from reaching it), in the server's shared shape. */
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

interface RequestOptions<T> {
  method?: string;
  /** JSON, or a FormData (sent as multipart/form-data). */
  body?: unknown;
  schema?: z.ZodMiniType<T>;
  /** Across origins: this bearer token instead of the kept one (sign-out sends the token it has just dropped). */
  bearer?: string | null;
}

const notAllowed = () => new ApiError(403, 'ORIGIN_NOT_ALLOWED', 'This site is not allowed to sign in to JusticeConnect.');

function pageOrigin(): string {
  return typeof location === 'undefined' ? '' : location.origin;
}

function safeStorage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

/** The errors every request may end in, written once (in the reader's language, like the server's own). */
const unreachable = () => new ApiError(0, 'NETWORK', 'Could not reach JusticeConnect. Check your connection and try again.');
const unreadable = (status: number) => new ApiError(status, 'BAD_RESPONSE', errorMessage(status, 'BAD_RESPONSE', 'The server sent an answer that could not be read.'));
const httpError = (status: number) => new ApiError(status, 'HTTP_' + status, errorMessage(status, 'HTTP_' + status, `The server answered ${status}.`));

/**
 * The typed client every widget talks through. A page on the server's own
 * origin uses the HttpOnly session cookie; a page on another (allow-listed)
 * origin gets a bearer token at sign-in, because browsers block third-party
 * cookies, and keeps it in this tab's sessionStorage.
 *
 * Sign-in has steps (password, one-time code or enrolment, system-use
 * notice); `SessionStore` drives them. The client fires `activity` after each
 * request that counted as the user's activity (the idle timeout starts again;
 * `lastActivity` says when) and `auth-error` (an `AuthErrorDetail`) when an
 * answer says a sign-in step is missing or the session ended.
 */
export class ApiClient extends EventTarget {
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
  #challenge: string | null = null;
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
    this.#storage = options.storage === undefined ? safeStorage() : options.storage;
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

  /** A raw authenticated request (the live-event stream reads the body itself). */
  async stream(path: string, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
    const token = this.crossOrigin ? this.token : null;
    const sentAt = Date.now();
    const background = !userIsActive();
    const response = await this.#fetch(`${this.baseUrl}${path}`, {
      headers: { accept: 'text/event-stream', ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}), ...(background ? { 'x-jc-background': '1' } : {}) },
      credentials: this.crossOrigin ? 'omit' : 'same-origin',
      mode: 'cors',
      cache: 'no-store',
      signal,
    });
    // Opening the stream is a request like any other (its heartbeats are not); a reconnect on its own is the page's.
    if (response.ok && !background) {
      this.lastActivity = Math.max(this.lastActivity, sentAt);
      this.dispatchEvent(new Event('activity'));
    } else if (response.status === 401 || response.status === 403) {
      const parsed = ErrorBodySchema.safeParse(await response.clone().json().catch(() => null));
      const code = parsed.success ? parsed.data.error.code : '';
      if (SIGN_IN_CODES.has(code)) this.dispatchEvent(new CustomEvent<AuthErrorDetail>('auth-error', { detail: { status: response.status, code, path } }));
    }
    return response;
  }

  async request<T = unknown>(path: string, options: RequestOptions<T> = {}): Promise<{ data: T; response: Response }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const form = typeof FormData !== 'undefined' && options.body instanceof FormData ? options.body : null;
    // A FormData sets its own multipart content type (with the boundary).
    if (options.body !== undefined && !form) headers['content-type'] = 'application/json';
    const token = this.crossOrigin ? (options.bearer === undefined ? this.token : options.bearer) : null;
    if (token) headers.authorization = `Bearer ${token}`;
    const background = !userIsActive();
    if (background) headers['x-jc-background'] = '1';
    const method = options.method ?? 'GET';
    const pageKey = method === 'GET' ? `${token ?? ''}\n${path}` : null;
    const kept = pageKey ? this.#pages.get(pageKey) : undefined;
    if (kept) headers['if-none-match'] = kept.etag;
    let response: Response;
    const sentAt = Date.now();
    try {
      response = await this.#fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: form ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
        credentials: this.crossOrigin ? 'omit' : 'same-origin',
        mode: 'cors',
      });
    } catch {
      throw unreachable();
    }
    // The server counts every request under /api/v1 that carries a session as activity, unless marked as the page's own.
    if (path.startsWith('/api/v1/') && !NOT_ACTIVITY.test(path) && response.status !== 401 && !background) {
      this.lastActivity = Math.max(this.lastActivity, sentAt);
      this.dispatchEvent(new Event('activity'));
    }
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
        if (path.startsWith('/api/v1/') && SIGN_IN_CODES.has(code)) {
          this.dispatchEvent(new CustomEvent<AuthErrorDetail>('auth-error', { detail: { status: response.status, code, path } }));
        }
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

  /**
   * The password step. `secondFactor: true`: the account has an authenticator,
   * and the code comes next (`verifyTotp` or `verifyBackupCode`); there is no
   * session yet. `false`: a session that can only set up an authenticator
   * (`enableTwoFactor`), since every /api/v1 call answers TWO_FACTOR_REQUIRED.
   */
  async signIn(email: string, password: string): Promise<{ secondFactor: boolean }> {
    this.#challenge = null;
    const { data, response } = await this.request('/api/auth/sign-in/email', { method: 'POST', body: { email, password }, schema: SignInAnswerSchema });
    if (data.twoFactorRedirect) {
      if (this.crossOrigin) {
        if (!data.challenge) throw notAllowed();
        this.#challenge = data.challenge;
      }
      return { secondFactor: true };
    }
    this.#takeToken(response, true);
    return { secondFactor: false };
  }

  /** Whether a password step is waiting for its code. Same-origin pages keep the challenge in a cookie this cannot see: then false. */
  get hasChallenge(): boolean {
    return this.#challenge !== null;
  }

  /** Drops the waiting password step's challenge (sign-in abandoned, locked, or timed out). */
  forgetChallenge(): void {
    this.#challenge = null;
  }

  /**
   * The code from the authenticator app: completes a sign-in (after `signIn`
   * answered `secondFactor: true`), or confirms a new authenticator (after
   * `enableTwoFactor`). Either way the answer carries a new session: a cookie
   * here, or a bearer token across origins, which replaces the old one.
   */
  verifyTotp(code: string): Promise<void> {
    return this.#verify('/api/auth/two-factor/verify-totp', code);
  }

  /** A backup code instead of the authenticator's code (each works once). */
  verifyBackupCode(code: string): Promise<void> {
    return this.#verify('/api/auth/two-factor/verify-backup-code', code);
  }

  async #verify(path: string, code: string): Promise<void> {
    const challenge = this.#challenge;
    const { response } = await this.request(path, { method: 'POST', body: challenge ? { code, challenge } : { code } });
    this.#challenge = null;
    // Completing a sign-in across origins must hand over a token; confirming an enrolment may keep the old one.
    this.#takeToken(response, challenge !== null);
  }

  /** Starts setting up an authenticator (a password-only session): its secret, as a URI and in Base32, and 10 backup codes. */
  async enableTwoFactor(password: string): Promise<Enrolment> {
    const { data } = await this.request('/api/auth/two-factor/enable', { method: 'POST', body: { password }, schema: EnableTwoFactorSchema });
    let secret = '';
    try {
      secret = new URL(data.totpURI).searchParams.get('secret') ?? '';
    } catch {
      // An unreadable URI: no secret to show.
    }
    if (!/^[A-Z2-7]+=*$/i.test(secret)) throw unreadable(200);
    return { totpURI: data.totpURI, secret: secret.toUpperCase(), backupCodes: data.backupCodes };
  }

  /** The system-use notice to accept at every sign-in (public). */
  async getNotice(): Promise<SystemUseNotice> {
    return (await this.request('/api/v1/notice', { schema: SystemUseNoticeSchema })).data;
  }

  /** Accepts the notice of this `version` for this session (409 NOTICE_CHANGED when it is not the current one). */
  async acceptNotice(version: string): Promise<void> {
    await this.request('/api/v1/notice/accept', { method: 'POST', body: { version } });
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
  #takeToken(response: Response, required: boolean) {
    if (!this.crossOrigin) return;
    const token = response.headers.get('set-auth-token');
    if (token) this.token = token;
    else if (required) throw notAllowed();
  }

  /** Ends the session: the token is dropped at once, then the server is told. */
  async signOut(): Promise<void> {
    this.#challenge = null;
    this.#pages.clear();
    const bearer = this.token;
    this.token = null;
    await this.request('/api/auth/sign-out', { method: 'POST', body: {}, bearer });
  }

  /** The signed-in user, or null when nobody is signed in. */
  async me(): Promise<Me | null> {
    if (this.crossOrigin && !this.token) return null;
    try {
      return (await this.request('/api/v1/me', { schema: MeSchema })).data;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        this.token = null;
        return null;
      }
      throw err;
    }
  }

  async updateMe(patch: MePatch): Promise<Me> {
    return (await this.request('/api/v1/me', { method: 'PATCH', body: patch, schema: MeSchema })).data;
  }

  /** A page of communities: yours (default) or all you may see, most recently updated first. */
  async listCommunities(query: CommunityListQuery = {}): Promise<CommunityPage> {
    const params = new URLSearchParams();
    if (query.scope) params.set('scope', query.scope);
    if (query.parent) params.set('parent', query.parent);
    if (query.cursor) params.set('cursor', query.cursor);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.archived !== undefined) params.set('archived', String(query.archived));
    const qs = params.toString();
    return (await this.request(`/api/v1/communities${qs ? `?${qs}` : ''}`, { schema: CommunityPageSchema })).data;
  }

  /** Creates a community (or a subcommunity, with `parent`); the signed-in user is its owner. */
  async createCommunity(body: CommunityCreate): Promise<Community> {
    return (await this.request('/api/v1/communities', { method: 'POST', body, schema: CommunitySchema })).data;
  }

  /** Joins a public community, asks to join a moderated one, or accepts an invitation. */
  async joinCommunity(ref: string): Promise<JoinResult> {
    const { data, response } = await this.request(`${community(ref)}/join`, { method: 'POST', body: {}, schema: MembershipResultSchema });
    return { ...data, requested: response.status === 202 };
  }

  /** Leaves (and every subcommunity below), cancels a request, or declines an invitation. */
  async leaveCommunity(ref: string): Promise<MembershipResult> {
    return (await this.request(`${community(ref)}/leave`, { method: 'POST', body: {}, schema: MembershipResultSchema })).data;
  }

  /** Members (`active`), or, for owners and moderators, pending requests (`requested`) and invitations (`invited`). */
  async listMembers(ref: string, state: MembershipState = 'active'): Promise<Member[]> {
    const qs = new URLSearchParams({ state });
    return (await this.request(`${community(ref)}/members?${qs}`, { schema: MemberListSchema })).data.items;
  }

  /** Approves a request to join (owners and moderators). */
  async approveMember(ref: string, userId: string): Promise<Member> {
    return (await this.request(`${community(ref)}/members/${encodeURIComponent(userId)}/approve`, { method: 'POST', body: {}, schema: MemberSchema })).data;
  }

  /** Denies a request to join (owners and moderators). */
  async denyMember(ref: string, userId: string): Promise<void> {
    await this.request(`${community(ref)}/members/${encodeURIComponent(userId)}/deny`, { method: 'POST', body: {}, schema: OkSchema });
  }

  /** One community (with the signed-in user's membership); 404 for one you may not see. */
  async getCommunity(ref: string): Promise<Community> {
    return (await this.request(community(ref), { schema: CommunitySchema })).data;
  }

  /** A page of one community's posts, newest first. */
  async listPosts(ref: string, query: PostListQuery = {}): Promise<PostPage> {
    return (await this.request(`${community(ref)}/posts${postQuery(query)}`, { schema: PostPageSchema })).data;
  }

  /** A page of the signed-in user's feed: the posts of all their communities, newest first. */
  async listFeed(query: PostListQuery = {}): Promise<PostPage> {
    return (await this.request(`/api/v1/feed${postQuery(query)}`, { schema: PostPageSchema })).data;
  }

  /** Posts to a community (active members). Re-sending the same `clientId` returns the same post instead of a second one. */
  async createPost(ref: string, body: PostCreate): Promise<PostCreateResult> {
    const { data, response } = await this.request(`${community(ref)}/posts`, { method: 'POST', body, schema: PostSchema });
    return { post: data, created: response.status === 201 };
  }

  /** Edits a post's body (its author, within 15 minutes of posting). */
  async editPost(id: string, body: string): Promise<Post> {
    return (await this.request(post(id), { method: 'PATCH', body: { body }, schema: PostSchema })).data;
  }

  /** Deletes a post (its author, or the community's owners and moderators). */
  async deletePost(id: string): Promise<void> {
    await this.request(post(id), { method: 'DELETE', schema: OkSchema });
  }

  /** Adds (`on`) or takes back the signed-in user's reaction of one kind. */
  async setReaction(id: string, kind: ReactionKind, on: boolean): Promise<ReactionsResult> {
    return (await this.request(`${post(id)}/reactions/${encodeURIComponent(kind)}`, { method: on ? 'PUT' : 'DELETE', schema: ReactionsResultSchema })).data;
  }

  /** A post's comments, oldest first. */
  async listComments(id: string): Promise<Comment[]> {
    return (await this.request(`${post(id)}/comments`, { schema: CommentListSchema })).data.items;
  }

  async addComment(id: string, body: string): Promise<Comment> {
    return (await this.request(`${post(id)}/comments`, { method: 'POST', body: { body }, schema: CommentSchema })).data;
  }

  /** Reports a post to the community's owners and moderators. */
  async reportPost(id: string, reason: string): Promise<void> {
    await this.request(`${post(id)}/report`, { method: 'POST', body: { reason }, schema: OkSchema });
  }

  /** Uploads a file to attach to a post (at most 10 MB; PDF, images, text, CSV, Word and Excel). */
  async uploadFile(ref: string, file: Blob, filename?: string): Promise<Attachment> {
    const form = new FormData();
    if (filename !== undefined) form.append('file', file, filename);
    else form.append('file', file);
    return (await this.request(`${community(ref)}/files`, { method: 'POST', body: form, schema: AttachmentSchema })).data;
  }

  /* ---------- forums ---------- */

  /** A community's forums (anyone who may read it). */
  async listForums(ref: string): Promise<Forum[]> {
    return (await this.request(`${community(ref)}/forums`, { schema: ForumListSchema })).data.items;
  }

  /** Adds a forum to a community (its owners and moderators). */
  async createForum(ref: string, body: ForumCreate): Promise<Forum> {
    return (await this.request(`${community(ref)}/forums`, { method: 'POST', body, schema: ForumSchema })).data;
  }

  /** A page of a community's topics: pinned first, then the most recently active. */
  async listTopics(ref: string, query: TopicListQuery = {}): Promise<TopicPage> {
    const qs = queryString({ forum: query.forum, filter: query.filter, tag: query.tag, limit: query.limit, cursor: query.cursor });
    return (await this.request(`${community(ref)}/topics${qs}`, { schema: TopicPageSchema })).data;
  }

  /** Starts a topic (active members). Re-sending the same `clientId` returns the same topic instead of a second one. */
  async createTopic(ref: string, body: TopicCreate): Promise<TopicCreateResult> {
    const { data, response } = await this.request(`${community(ref)}/topics`, { method: 'POST', body, schema: TopicSchema });
    return { topic: data, created: response.status === 201 };
  }

  /** One topic, with what the signed-in user may do with it. */
  async getTopic(id: string): Promise<Topic> {
    return (await this.request(topic(id), { schema: TopicSchema })).data;
  }

  /** Edits a topic's title, body or tags (its author or a moderator). */
  async editTopic(id: string, patch: TopicPatch): Promise<Topic> {
    return (await this.request(topic(id), { method: 'PATCH', body: patch, schema: TopicSchema })).data;
  }

  /** Deletes a topic (a moderator; its author only while no one else has replied). */
  async deleteTopic(id: string): Promise<void> {
    await this.request(topic(id), { method: 'DELETE', schema: OkSchema });
  }

  /** Pins (`on`) or unpins a topic (moderators). */
  async setTopicPinned(id: string, on: boolean): Promise<Topic> {
    return (await this.request(`${topic(id)}/pin`, { method: on ? 'PUT' : 'DELETE', schema: TopicSchema })).data;
  }

  /** Locks (`on`) or unlocks a topic (moderators); a locked topic takes no more replies but a moderator's. */
  async setTopicLocked(id: string, on: boolean): Promise<Topic> {
    return (await this.request(`${topic(id)}/lock`, { method: on ? 'PUT' : 'DELETE', schema: TopicSchema })).data;
  }

  /** Moves a topic to another forum of the same community (moderators). */
  async moveTopic(id: string, forumId: string): Promise<Topic> {
    return (await this.request(`${topic(id)}/move`, { method: 'POST', body: { forumId }, schema: TopicSchema })).data;
  }

  /** Follows (`on`) or stops following a topic: followers hear of new replies. */
  async setTopicFollowing(id: string, on: boolean): Promise<Topic> {
    return (await this.request(`${topic(id)}/follow`, { method: on ? 'PUT' : 'DELETE', schema: TopicSchema })).data;
  }

  /** Marks a reply as a question's answer, or (`null`) takes the mark back (the asker or a moderator). */
  async setAnswer(topicId: string, replyId: string | null): Promise<Topic> {
    const path = `${topic(topicId)}/answer`;
    const options = replyId === null ? { method: 'DELETE' } : { method: 'PUT', body: { replyId } };
    return (await this.request(path, { ...options, schema: TopicSchema })).data;
  }

  /** Flags a topic for the community's moderators ('other' needs a note). */
  async flagTopic(id: string, reason: FlagReason, note?: string): Promise<void> {
    await this.request(`${topic(id)}/flag`, { method: 'POST', body: note === undefined ? { reason } : { reason, note }, schema: OkSchema });
  }

  /** A page of a topic's replies in thread order (each top-level reply followed by its nested ones); tombstones included. */
  async listReplies(topicId: string, query: ReplyListQuery = {}): Promise<ReplyPage> {
    const qs = queryString({ limit: query.limit, cursor: query.cursor, before: query.before, anchor: query.anchor });
    return (await this.request(`${topic(topicId)}/replies${qs}`, { schema: ReplyPageSchema })).data;
  }

  /** Replies to a topic (active members; 403 TOPIC_LOCKED when locked). Re-sending the same `clientId` returns the same reply. */
  async createReply(topicId: string, body: ReplyCreate): Promise<ReplyCreateResult> {
    const { data, response } = await this.request(`${topic(topicId)}/replies`, { method: 'POST', body, schema: ReplySchema });
    return { reply: data, created: response.status === 201 };
  }

  /** One reply. */
  async getReply(id: string): Promise<Reply> {
    return (await this.request(reply(id), { schema: ReplySchema })).data;
  }

  /** Edits a reply's body (its author). */
  async editReply(id: string, body: string): Promise<Reply> {
    return (await this.request(reply(id), { method: 'PATCH', body: { body }, schema: ReplySchema })).data;
  }

  /** Deletes a reply (its author or a moderator); it stays in the thread as a tombstone. */
  async deleteReply(id: string): Promise<void> {
    await this.request(reply(id), { method: 'DELETE', schema: OkSchema });
  }

  /** Likes (`on`) or unlikes a reply (members). */
  async setReplyLiked(id: string, on: boolean): Promise<LikeResult> {
    return (await this.request(`${reply(id)}/like`, { method: on ? 'PUT' : 'DELETE', schema: LikeResultSchema })).data;
  }

  /** Flags a reply for the community's moderators ('other' needs a note). */
  async flagReply(id: string, reason: FlagReason, note?: string): Promise<void> {
    await this.request(`${reply(id)}/flag`, { method: 'POST', body: note === undefined ? { reason } : { reason, note }, schema: OkSchema });
  }

  /** A community's open forum flags, newest first (moderators). */
  async listForumFlags(ref: string): Promise<ForumFlag[]> {
    return (await this.request(`${community(ref)}/forum-flags`, { schema: ForumFlagListSchema })).data.items;
  }

  /** Closes a flag: `dismiss` keeps the content, `remove` deletes the flagged topic or reply (moderators). */
  async resolveForumFlag(id: string, action: 'dismiss' | 'remove'): Promise<void> {
    await this.request(`/api/v1/forum-flags/${encodeURIComponent(id)}/resolve`, { method: 'POST', body: { action }, schema: OkSchema });
  }

  /* ---------- activities ---------- */

  /** A community's activities (or, with `templates`, its templates), most recently changed first. */
  async listActivities(ref: string, query: ActivityListQuery = {}): Promise<ActivitySummary[]> {
    const qs = queryString({ templates: query.templates === undefined ? undefined : String(query.templates), status: query.status });
    return (await this.request(`${community(ref)}/activities${qs}`, { schema: ActivitySummaryListSchema })).data.items;
  }

  /** Starts an activity, from scratch (with `steps`) or from a template (members). */
  async createActivity(ref: string, body: ActivityCreate): Promise<Activity> {
    return (await this.request(`${community(ref)}/activities`, { method: 'POST', body, schema: ActivitySchema })).data;
  }

  /** One activity with its sections and steps in display order; 404 where its community may not be read. */
  async getActivity(id: string): Promise<Activity> {
    return (await this.request(activity(id), { schema: ActivitySchema })).data;
  }

  /** Changes the activity's title, goal, due date or status (its owner or a moderator). */
  async updateActivity(id: string, patch: ActivityPatch): Promise<Activity> {
    return (await this.request(activity(id), { method: 'PATCH', body: patch, schema: ActivitySchema })).data;
  }

  /** Adds a section at the end (members); answers the whole activity. */
  async addSection(id: string, title: string): Promise<Activity> {
    return (await this.request(`${activity(id)}/sections`, { method: 'POST', body: { title }, schema: ActivitySchema })).data;
  }

  /** Adds a step at the end of its section (members); answers the whole activity. */
  async addStep(activityId: string, body: StepCreate): Promise<Activity> {
    return (await this.request(`${activity(activityId)}/steps`, { method: 'POST', body, schema: ActivitySchema })).data;
  }

  /** Changes a step's title, notes, assignee or due date (members; 422 NOT_A_MEMBER for an assignee who is not one). */
  async updateStep(stepId: string, patch: StepPatch): Promise<Activity> {
    return (await this.request(step(stepId), { method: 'PATCH', body: patch, schema: ActivitySchema })).data;
  }

  /** Checks a step off (`done`) or unchecks it (members); who and when are the server's. */
  async setStepDone(stepId: string, done: boolean): Promise<Activity> {
    return (await this.request(`${step(stepId)}/done`, { method: done ? 'PUT' : 'DELETE', schema: ActivitySchema })).data;
  }

  /** Moves a step to `index` among its section's steps (or into another section) (members). */
  async moveStep(stepId: string, move: StepMove): Promise<Activity> {
    return (await this.request(`${step(stepId)}/move`, { method: 'POST', body: move, schema: ActivitySchema })).data;
  }

  /** Removes a step (members); answers the whole activity. */
  async deleteStep(stepId: string): Promise<Activity> {
    return (await this.request(step(stepId), { method: 'DELETE', schema: ActivitySchema })).data;
  }

  /** A page of the updates posted on an activity, oldest first. */
  async listActivityUpdates(id: string, query: ActivityUpdateListQuery = {}): Promise<ActivityUpdatePage> {
    const qs = queryString({ cursor: query.cursor, limit: query.limit });
    return (await this.request(`${activity(id)}/updates${qs}`, { schema: ActivityUpdatePageSchema })).data;
  }

  /** Posts an update on the activity, or about one of its steps (members). */
  async postActivityUpdate(id: string, body: ActivityUpdateCreate): Promise<ActivityUpdate> {
    return (await this.request(`${activity(id)}/updates`, { method: 'POST', body, schema: ActivityUpdateSchema })).data;
  }

  /** The signed-in user's open steps across their communities: theirs and their groups', soonest due first, undated last. */
  async myTodos(): Promise<Todo[]> {
    return (await this.request('/api/v1/me/todos', { schema: TodoListSchema })).data.items;
  }

  /* ---------- the service directory and announcements ---------- */

  /** The service directory as the signed-in user sees it: My Services first in their order, then the rest; `url` is null where they lack access. */
  async listServices(): Promise<Service[]> {
    return (await this.request('/api/v1/services', { schema: ServiceListSchema })).data.items;
  }

  /** One service, as the signed-in user sees it. */
  async getService(id: string): Promise<Service> {
    return (await this.request(service(id), { schema: ServiceSchema })).data;
  }

  /** Adds a service to My Services (last), or (`on` false) takes it out; answers the whole directory. */
  async setFavorite(id: string, on: boolean): Promise<Service[]> {
    return (await this.request(`${service(id)}/favorite`, { method: on ? 'PUT' : 'DELETE', schema: ServiceListSchema })).data.items;
  }

  /** Sets My Services to exactly these services, in this order; answers the whole directory. */
  async setFavoriteOrder(serviceIds: string[]): Promise<Service[]> {
    return (await this.request('/api/v1/me/favorites', { method: 'PUT', body: { serviceIds }, schema: ServiceListSchema })).data.items;
  }

  /** Asks a site administrator for access to a service (409 ALREADY_REQUESTED while one is pending). */
  async requestAccess(id: string, note?: string): Promise<AccessRequest> {
    return (await this.request(`${service(id)}/access-requests`, { method: 'POST', body: note ? { note } : {}, schema: AccessRequestSchema })).data;
  }

  /** The signed-in user's access requests, newest first. */
  async myAccessRequests(): Promise<AccessRequest[]> {
    return (await this.request('/api/v1/me/access-requests', { schema: AccessRequestListSchema })).data.items;
  }

  /** The announcements showing now, most severe first: for everyone when signed out, and the user's own audience's when signed in (less those they dismissed). */
  async listAnnouncements(): Promise<Announcement[]> {
    return (await this.request('/api/v1/announcements', { schema: AnnouncementListSchema })).data.items;
  }

  /** Hides an announcement for the signed-in user (409 NOT_DISMISSIBLE for an emergency). */
  async dismissAnnouncement(id: string): Promise<void> {
    await this.request(`/api/v1/announcements/${encodeURIComponent(id)}/dismiss`, { method: 'POST', schema: OkSchema });
  }

  /** An API path (such as an attachment's `url`) as an absolute URL on this server. */
  resolve(path: string): string {
    return new URL(path, this.baseUrl).href;
  }

  /** Downloads a file the signed-in user may read (across origins this sends the bearer token a plain link cannot). */
  async fetchFile(path: string): Promise<Blob> {
    const token = this.crossOrigin ? this.token : null;
    let response: Response;
    try {
      response = await this.#fetch(this.resolve(path), {
        headers: token ? { authorization: `Bearer ${token}` } : {},
        credentials: this.crossOrigin ? 'omit' : 'same-origin',
        mode: 'cors',
      });
    } catch {
      throw unreachable();
    }
    if (!response.ok) throw httpError(response.status);
    return response.blob();
  }
}
