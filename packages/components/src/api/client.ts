import * as z from 'zod/mini';
import {
  AttachmentSchema,
  CommentListSchema,
  CommentSchema,
  CommunityPageSchema,
  CommunitySchema,
  ErrorBodySchema,
  MeSchema,
  MemberListSchema,
  MemberSchema,
  MembershipResultSchema,
  OkSchema,
  PostPageSchema,
  PostSchema,
  ReactionsResultSchema,
  type Attachment,
  type Comment,
  type Community,
  type CommunityCreate,
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
} from './schemas.js';

/** What joining answered: a member at once (200), or a request waiting for an owner or moderator (202). */
export interface JoinResult extends MembershipResult {
  requested: boolean;
}

const community = (ref: string) => `/api/v1/communities/${encodeURIComponent(ref)}`;
const post = (id: string) => `/api/v1/posts/${encodeURIComponent(id)}`;

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
}

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

/**
 * The typed client every widget talks through. A page on the server's own
 * origin uses the HttpOnly session cookie; a page on another (allow-listed)
 * origin gets a bearer token at sign-in, because browsers block third-party
 * cookies, and keeps it in this tab's sessionStorage.
 */
export class ApiClient {
  readonly baseUrl: string;
  readonly crossOrigin: boolean;
  #fetch: typeof fetch;
  #storage: ApiClientOptions['storage'];
  #memoryToken: string | null = null;

  constructor(options: ApiClientOptions) {
    this.baseUrl = new URL(options.baseUrl, pageOrigin() || undefined).origin;
    this.crossOrigin = this.baseUrl !== pageOrigin();
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#storage = options.storage === undefined ? safeStorage() : options.storage;
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
  stream(path: string, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
    const token = this.crossOrigin ? this.token : null;
    return this.#fetch(`${this.baseUrl}${path}`, {
      headers: { accept: 'text/event-stream', ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      credentials: this.crossOrigin ? 'omit' : 'same-origin',
      mode: 'cors',
      cache: 'no-store',
      signal,
    });
  }

  async request<T = unknown>(path: string, options: RequestOptions<T> = {}): Promise<{ data: T; response: Response }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const form = typeof FormData !== 'undefined' && options.body instanceof FormData ? options.body : null;
    // A FormData sets its own multipart content type (with the boundary).
    if (options.body !== undefined && !form) headers['content-type'] = 'application/json';
    const token = this.crossOrigin ? this.token : null;
    if (token) headers.authorization = `Bearer ${token}`;
    let response: Response;
    try {
      response = await this.#fetch(`${this.baseUrl}${path}`, {
        method: options.method ?? 'GET',
        headers,
        body: form ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
        credentials: this.crossOrigin ? 'omit' : 'same-origin',
        mode: 'cors',
      });
    } catch {
      throw new ApiError(0, 'NETWORK', 'Could not reach JusticeConnect. Check your connection and try again.');
    }
    const text = await response.text();
    let json: unknown = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        throw new ApiError(response.status, 'BAD_RESPONSE', 'The server sent an answer that could not be read.');
      }
    }
    if (!response.ok) {
      const parsed = ErrorBodySchema.safeParse(json);
      if (parsed.success) {
        const { code, message, fields } = parsed.data.error;
        throw new ApiError(response.status, code, message, fields ?? {});
      }
      throw new ApiError(response.status, 'HTTP_' + response.status, `The server answered ${response.status}.`);
    }
    if (!options.schema) return { data: json as T, response };
    const parsed = options.schema.safeParse(json);
    if (!parsed.success) throw new ApiError(response.status, 'BAD_RESPONSE', 'The server sent an answer that could not be read.');
    return { data: parsed.data, response };
  }

  async signIn(email: string, password: string): Promise<void> {
    const { response } = await this.request('/api/auth/sign-in/email', { method: 'POST', body: { email, password } });
    if (this.crossOrigin) {
      const token = response.headers.get('set-auth-token');
      if (!token) throw new ApiError(403, 'ORIGIN_NOT_ALLOWED', 'This site is not allowed to sign in to JusticeConnect.');
      this.token = token;
    }
  }

  async signOut(): Promise<void> {
    try {
      await this.request('/api/auth/sign-out', { method: 'POST', body: {} });
    } finally {
      this.token = null;
    }
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
      throw new ApiError(0, 'NETWORK', 'Could not reach JusticeConnect. Check your connection and try again.');
    }
    if (!response.ok) throw new ApiError(response.status, 'HTTP_' + response.status, `The server answered ${response.status}.`);
    return response.blob();
  }
}
