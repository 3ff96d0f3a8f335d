import { msg, str } from '@lit/localize';
import { communityEndpoints } from '../api/communities.js';
import { postEndpoints } from '../api/posts.js';
import { Announcer } from '../shared/announcer.js';
import { fire } from '../shared/events.js';
import { virtualize } from '@lit-labs/virtualizer/virtualize.js';
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ApiError } from '../api/client.js';
import { httpError } from '../api/transport.js';
import type { LiveEvent } from '../api/events.js';
import { toApiError } from '../api/session.js';
import type { Comment, Community, Post, PostPage } from '../api/schemas.js';
import { REACTION_KINDS, type ReactionKind } from '../api/post-schemas.js';
import { JcController } from '../context.js';
import { LiveController } from '../live.js';
import { errorText, renderAccountGate, renderSessionState } from '../shared/account-states.js';
import { communityFeedStyles } from './community-feed.styles.js';
import { markdown } from '../shared/markdown.js';
import { formatNumber, intlLocale } from '../shared/localization.js';
import { renderTime } from '../shared/time.js';
import { isRetryable, readUnsent, writeUnsent } from '../shared/unsent.js';
import { feedKeyTarget, layoutComplete, revealVirtualItem, syncFeedBusy } from '../shared/virtual-list.js';
import { fileSize } from '../shared/file-size.js';

export { relativeTime } from '../shared/time.js';

type Scope = 'community' | 'mine';
type TypeFilter = '' | 'status' | 'blog' | 'file';

/** A post written here that the server has not confirmed yet (kept in sessionStorage until it has). */
export interface UnsentPost {
  /** The idempotency key: every try sends the same one, so a retry cannot post twice. */
  clientId: string;
  community: string;
  body: string;
  createdAt: string;
  /** The uploaded attachment, once the upload succeeded (a retry does not upload again). */
  attachmentId?: string;
  attachmentName?: string;
  attachmentSize?: number;
}

interface OutboxItem extends UnsentPost {
  state: 'sending' | 'failed';
  error: string | null;
}

interface ThreadView {
  status: 'loading' | 'ready' | 'error';
  items: Comment[];
  error: ApiError | null;
}

interface Panel {
  postId: string;
  kind: 'edit' | 'delete' | 'report';
}

/** The account-level answers that replace the feed with an explanation. */
const FILE_LIMIT = 10 * 1024 * 1024;
const FILE_ACCEPT = '.pdf,.png,.jpg,.jpeg,.gif,.txt,.csv,.docx,.xlsx';
const CONTENT_EVENTS = ['post.created', 'post.updated', 'post.deleted', 'comment.created', 'reaction.changed'];

function isUnsentPost(item: unknown): item is UnsentPost {
  const u = item as UnsentPost | null;
  return Boolean(u && typeof u.clientId === 'string' && typeof u.body === 'string');
}

/** Where a tab keeps one user's unsent posts to one community (sessionStorage). */
export function unsentStorageKey(apiOrigin: string, userId: string, community: string): string {
  return `jc-feed-unsent:${apiOrigin}|${userId}|${community}`;
}

const REACTION_ICON: Record<ReactionKind, string> = { like: '👍', thanks: '🙏', important: '❗' };

/**
 * A community's posts (or, with `scope="mine"`, the signed-in user's feed over
 * all their communities), newest first: a composer for members, markdown
 * bodies rendered safely, attachments, reactions, comments, edit, delete and
 * report. New posts by others arrive live behind an "N new posts" button, so
 * nothing moves under the reader; older posts load as the reader scrolls (or
 * with "Load older posts"). The list is virtualized: only the posts near the
 * viewport are in the DOM, so a feed of thousands stays fast. A post appears at
 * once as "Sending…"; if the network fails it stays as "Not sent" with Retry
 * (and survives a reload in sessionStorage), and a retry can never post twice.
 *
 * @element jc-community-feed
 * @attr theme - The widget's colour theme: `light`, `dark` or `high-contrast`. Without it the widget takes its `jc-provider`'s `theme`, or else follows the reader's system (`prefers-color-scheme`, and `prefers-contrast: more`). `--jc-*` custom properties set by the page win over any theme.
 * @fires jc-post-created - The server confirmed a post written here. `detail.post` is the post.
 * @fires jc-post-deleted - The user deleted a post. `detail` is `{ postId, post }`.
 * @fires jc-reaction-changed - The user added or took back a reaction. `detail` is `{ postId, kind, active, reactions, myReactions }`.
 * @csspart heading - The widget's heading.
 * @csspart panel - The box around the widget.
 * @csspart composer - The form for a new post.
 * @csspart form - A post's edit and report boxes, and its comment form.
 * @csspart input - Every text area and the file input.
 * @csspart button - Every button.
 * @csspart new-posts - The "N new posts" button.
 * @csspart feed - The list of posts (role=feed).
 * @csspart post - One post (an article); unsent posts too.
 * @csspart meta - A post's or comment's author line: agency, time, community.
 * @csspart body - A post's or comment's text.
 * @csspart attachment - A post's attached file.
 * @csspart reactions - A post's reaction buttons.
 * @csspart reaction - One reaction button (aria-pressed), or its count for readers who cannot react.
 * @csspart actions - A post's other buttons: comments, edit, delete, report.
 * @csspart comments - A post's comment thread.
 * @csspart comment - One comment.
 * @csspart post-status - "Sending…" or "Not sent" on an unsent post.
 * @csspart error - An error message.
 * @csspart status - Loading text and the announcement of each action's result.
 * @cssprop --jc-community-feed-max-width - The widget's largest width (48rem).
 * @cssprop --jc-color-surface - The background of the panel and its fields (light #ffffff, dark #1b1b1b, high contrast #ffffff).
 * @cssprop --jc-color-text - Text (light #1b1b1b, dark #f0f0f0, high contrast #000000).
 * @cssprop --jc-color-text-muted - Secondary text: author and date lines, hints, loading text (light #565c65, dark #c6cace, high contrast #2d2e2f).
 * @cssprop --jc-color-border - Borders of the panel, fields and dividers (light #8d9297, dark #8d9297, high contrast #000000).
 * @cssprop --jc-color-primary - Buttons, links and selected items (light #005ea2, dark #73b3e7, high contrast #0b4778).
 * @cssprop --jc-color-on-primary - Text on primary buttons (light #ffffff, dark #1b1b1b, high contrast #ffffff).
 * @cssprop --jc-color-focus - The focus outline's colour (light #0076d6, dark #58b4ff, high contrast #0050d8).
 * @cssprop --jc-color-danger - Error messages, fields in error, the confirming Delete button and a post that could not be sent (light #b50909, dark #f8a9a9, high contrast #8b0a03).
 * @cssprop --jc-color-danger-surface - Error messages' background (light #f4e3db, dark #3b1414, high contrast #fff3f2).
 * @cssprop --jc-color-success - The edge of the message that announces the result of an action (light #00a91c, dark #70e17b, high contrast #154c21).
 * @cssprop --jc-color-scheme - The colour scheme of native controls (checkboxes, selects, scrollbars) (`light`; `dark` in the dark theme).
 * @cssprop --jc-font-family - The font (system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif).
 * @cssprop --jc-font-family-heading - Headings' font (the body font).
 * @cssprop --jc-font-size - The base font size (1rem).
 * @cssprop --jc-font-size-small - Small text: author and date lines, hints, small buttons (0.875rem).
 * @cssprop --jc-font-size-heading - The widget's heading (1.25rem).
 * @cssprop --jc-line-height - Line height (1.5).
 * @cssprop --jc-space - The panel's padding (1rem).
 * @cssprop --jc-radius - Corner radius of the panel, buttons and fields (0.25rem).
 * @cssprop --jc-focus-width - The focus outline's width, at least 2px (0.25rem).
 * @cssprop --jc-focus-ring - The whole focus outline, instead of `--jc-focus-width` and `--jc-color-focus` (`--jc-focus-width solid --jc-color-focus`).
 */
@customElement('jc-community-feed')
export class JcCommunityFeed extends LitElement {
  static override styles = communityFeedStyles;

  /** The JusticeConnect server, when the widget is used without a `jc-provider`. */
  @property() api: string | undefined;

  /** The community (slug or id) whose posts to show. */
  @property({ reflect: true }) community = '';

  /** `mine`: the signed-in user's feed over all their communities (no composer); otherwise the `community`'s. */
  @property({ reflect: true }) scope: Scope = 'community';

  /** Only posts of this type (`status`, `blog` or `file`); empty for all. */
  @property({ attribute: 'post-type' }) postType: TypeFilter = '';

  /** How many posts to load at a time (1–100). */
  @property({ type: Number, attribute: 'page-size' }) pageSize = 20;

  @state() private status: 'idle' | 'loading' | 'ready' | 'error' = 'idle';
  @state() private loadError: ApiError | null = null;
  @state() private info: Community | null = null;
  /** Invited (or otherwise able to see the community) but not allowed inside it. */
  @state() private membersOnly = false;
  @state() private posts: Post[] = [];
  @state() private nextCursor: string | null = null;
  @state() private loadingOlder = false;
  @state() private olderError: ApiError | null = null;
  @state() private queued: Post[] = [];
  @state() private outbox: OutboxItem[] = [];
  @state() private threads = new Map<string, ThreadView>();
  @state() private openThreads = new Set<string>();
  @state() private panel: Panel | null = null;
  @state() private panelError: string | null = null;
  @state() private busy = new Set<string>();
  @state() private postErrors = new Map<string, string>();
  @state() private tombstones = new Set<string>();
  @state() private composerError: string | null = null;
  @state() private optingIn = false;
  @state() private now = Date.now();

  #jc = new JcController(this, communityEndpoints, postEndpoints);
  #live = new LiveController(this, this.#jc, {
    topics: () => {
      if (this.#mode === 'mine') return CONTENT_EVENTS;
      return this.info ? [`community:${this.info.id}`] : [];
    },
    onEvent: (e) => this.#onLive(e),
    onResync: () => {
      if (this.#loadedFor) this.reload();
    },
  });
  /** Who and what the feed was loaded for; a change reloads it. */
  #loadedFor: string | null = null;
  /** Answers to older loads are dropped. */
  #generation = 0;
  /** Files chosen for unsent posts, until uploaded (a File cannot go into sessionStorage). */
  #files = new Map<string, File>();
  /** Text typed into edit, report and comment boxes, kept while a post scrolls out of the DOM. */
  #drafts = new Map<string, string>();
  #focusAfterRender: string | null = null;
  #olderLoad: Promise<void> | null = null;
  #observer: IntersectionObserver | null = null;
  #observed: Element | null = null;
  #clock: ReturnType<typeof setInterval> | undefined;
  #newTimer: ReturnType<typeof setTimeout> | undefined;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;
  #infoTimer: ReturnType<typeof setTimeout> | undefined;
  #refreshIds = new Set<string>();
  #announcer = new Announcer(this);
  #announceTimer: ReturnType<typeof setTimeout> | undefined;

  get #mode(): Scope {
    return this.scope === 'mine' ? 'mine' : 'community';
  }

  /** Reloads the feed from the server (unsent posts stay). */
  reload(): void {
    this.#loadedFor = this.#loadKey();
    void this.#load();
  }

  /** Loads the next page of older posts (what scrolling to the end does); resolves when it is shown. */
  async loadOlder(): Promise<void> {
    if (this.#olderLoad) return this.#olderLoad;
    if (!this.nextCursor || this.status !== 'ready') return;
    this.#olderLoad = this.#load(true).finally(() => (this.#olderLoad = null));
    await this.#olderLoad;
    await this.updateComplete;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#clock = setInterval(() => (this.now = Date.now()), 30_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#clock);
    clearTimeout(this.#newTimer);
    clearTimeout(this.#refreshTimer);
    clearTimeout(this.#infoTimer);
    clearTimeout(this.#announceTimer);
    this.#observer?.disconnect();
    this.#observer = null;
    this.#observed = null;
  }

  #loadKey(): string | null {
    const s = this.#jc.session.state;
    if (s.status !== 'signed-in') return null;
    return [s.me.id, s.me.optedIn, s.me.status, this.#mode, this.community, this.postType, this.pageSize].join('|');
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    const key = this.#loadKey();
    if (key === this.#loadedFor) return;
    this.#loadedFor = key;
    if (key) {
      void this.#load();
    } else {
      this.#generation++;
      this.#reset();
      this.status = 'idle';
      this.outbox = [];
      this.#announcer.clear();
    }
  }

  protected override updated(_changed: PropertyValues<this>): void {
    this.#observeSentinel();
    this.#syncBusy();
    if (!this.#focusAfterRender) return;
    const target = this.renderRoot.querySelector<HTMLElement>(this.#focusAfterRender);
    if (target) {
      target.focus();
      this.#focusAfterRender = null;
    }
  }

  #reset() {
    this.loadError = null;
    this.info = null;
    this.membersOnly = false;
    this.posts = [];
    this.nextCursor = null;
    this.olderError = null;
    this.queued = [];
    this.threads = new Map();
    this.openThreads = new Set();
    this.panel = null;
    this.panelError = null;
    this.postErrors = new Map();
    this.tombstones = new Set();
    this.composerError = null;
  }

  #setBusy(key: string, on: boolean) {
    const next = new Set(this.busy);
    if (on) next.add(key);
    else next.delete(key);
    this.busy = next;
  }

  #setPostError(postId: string, text: string | null) {
    const next = new Map(this.postErrors);
    if (text) next.set(postId, text);
    else next.delete(postId);
    this.postErrors = next;
  }

  /** A failed request, as an ApiError: a lapsed session signs the widget out; anything else is for the caller to show. */
  #failed(err: unknown): ApiError {
    const error = toApiError(err);
    if (error.status === 401) void this.#jc.session.refresh();
    return error;
  }

  #page(cursor?: string, limit?: number): Promise<PostPage> {
    const query = {
      limit: limit ?? Math.min(100, Math.max(1, Math.trunc(this.pageSize) || 20)),
      cursor,
      type: this.postType || undefined,
    };
    return this.#mode === 'mine' ? this.#jc.api.listFeed(query) : this.#jc.api.listPosts(this.community, query);
  }

  async #load(older = false) {
    const generation = ++this.#generation;
    const api = this.#jc.api;
    if (older) {
      this.loadingOlder = true;
      this.olderError = null;
    } else {
      this.status = 'loading';
      this.#reset();
      this.outbox = this.#readOutbox();
    }
    try {
      if (older) {
        const page = await this.#page(this.nextCursor ?? undefined);
        if (generation !== this.#generation) return;
        const known = new Set(this.posts.map((p) => p.id));
        this.posts = [...this.posts, ...page.items.filter((p) => !known.has(p.id))];
        this.nextCursor = page.nextCursor;
        return;
      }
      if (this.#mode === 'community') {
        if (!this.community) {
          this.status = 'ready';
          return;
        }
        const [info, page] = await Promise.allSettled([api.getCommunity(this.community), this.#page()]);
        if (generation !== this.#generation) return;
        if (info.status === 'rejected') throw info.reason;
        this.info = info.value;
        if (page.status === 'rejected') {
          const error = toApiError(page.reason);
          if (error.code !== 'MEMBERSHIP_REQUIRED') throw error;
          this.membersOnly = true;
        } else {
          this.posts = page.value.items;
          this.nextCursor = page.value.nextCursor;
        }
      } else {
        const page = await this.#page();
        if (generation !== this.#generation) return;
        this.posts = page.items;
        this.nextCursor = page.nextCursor;
      }
      this.status = 'ready';
    } catch (err) {
      if (generation !== this.#generation) return;
      const error = this.#failed(err);
      if (older) this.olderError = error;
      else {
        this.loadError = error;
        this.status = 'error';
      }
    } finally {
      if (generation === this.#generation) this.loadingOlder = false;
    }
  }

  /* ---------- infinite scroll ---------- */

  #observeSentinel() {
    const sentinel = this.renderRoot.querySelector('.sentinel');
    if (sentinel === this.#observed) return;
    if (!this.#observer && typeof IntersectionObserver !== 'undefined') {
      this.#observer = new IntersectionObserver(
        (entries) => {
          if (entries.some((e) => e.isIntersecting)) void this.#autoLoad();
        },
        { rootMargin: '600px 0px' },
      );
    }
    if (this.#observed) this.#observer?.unobserve(this.#observed);
    this.#observed = sentinel;
    if (sentinel) void this.#watch(sentinel);
  }

  /** Observes the sentinel once the virtualizer has measured the posts (before that, the feed's height is a guess). */
  async #watch(sentinel: Element) {
    await layoutComplete(this.renderRoot.querySelector('.feed'));
    if (this.#observed !== sentinel || !this.#observer) return;
    // Observing again gives a fresh first answer (the sentinel may still be in view after a page).
    this.#observer.unobserve(sentinel);
    this.#observer.observe(sentinel);
  }

  async #autoLoad() {
    if (!this.nextCursor || this.#olderLoad || this.olderError || this.status !== 'ready') return;
    await this.loadOlder();
    const sentinel = this.#observed;
    if (sentinel && this.nextCursor) await this.#watch(sentinel);
  }

  async #onLoadOlderClick() {
    const before = this.posts.length;
    await this.loadOlder();
    const first = this.posts[before];
    if (first && !this.olderError) {
      const count = this.posts.length - before;
      void this.#announcer.say(count === 1 ? msg('1 older post shown.') : msg(str`${formatNumber(count)} older posts shown.`));
      await this.#focusPost(first.id);
    }
  }

  /* ---------- live ---------- */

  #known(id: string): boolean {
    return this.posts.some((p) => p.id === id) || this.queued.some((p) => p.id === id) || this.tombstones.has(id);
  }

  #onLive(event: LiveEvent) {
    if (this.status !== 'ready') return;
    if (event.type === 'membership.changed' || event.type === 'community.updated') {
      // Joined, left, promoted, archived: who may post (or read) may have changed.
      clearTimeout(this.#infoTimer);
      if (this.#mode === 'community') this.#infoTimer = setTimeout(() => void this.#refreshInfo(), 150);
      return;
    }
    if (this.membersOnly) return;
    const postId = typeof event.payload.postId === 'string' ? event.payload.postId : null;
    if (!postId) return;
    switch (event.type) {
      case 'post.created':
        if (this.#known(postId)) return;
        clearTimeout(this.#newTimer);
        this.#newTimer = setTimeout(() => void this.#fetchNew(), 150);
        return;
      case 'post.deleted':
        this.queued = this.queued.filter((p) => p.id !== postId);
        if (this.posts.some((p) => p.id === postId)) this.tombstones = new Set(this.tombstones).add(postId);
        return;
      case 'comment.created':
        if (this.openThreads.has(postId)) void this.#loadThread(postId, true);
        this.#scheduleRefresh(postId);
        return;
      case 'post.updated':
      case 'reaction.changed':
        this.#scheduleRefresh(postId);
        return;
    }
  }

  async #refreshInfo() {
    const generation = this.#generation;
    try {
      const info = await this.#jc.api.getCommunity(this.community);
      if (generation !== this.#generation) return;
      const member = info.membership?.state === 'active';
      if (this.membersOnly && member) this.reload();
      else this.info = info;
    } catch (err) {
      const error = this.#failed(err);
      if (generation === this.#generation && error.status === 404) this.reload();
    }
  }

  /** New posts: fetched from the top of the feed down to the newest one shown, and queued behind the "new posts" button. */
  async #fetchNew() {
    const generation = this.#generation;
    const fresh: Post[] = [];
    try {
      let cursor: string | undefined;
      for (let i = 0; i < 5; i++) {
        const page = await this.#page(cursor);
        if (generation !== this.#generation) return;
        let reached = false;
        for (const p of page.items) {
          if (this.#known(p.id)) {
            reached = true;
            break;
          }
          fresh.push(p);
        }
        if (reached || !page.nextCursor) break;
        cursor = page.nextCursor;
      }
    } catch (err) {
      this.#failed(err);
      return;
    }
    const add = fresh.filter((p) => !this.#known(p.id));
    if (!add.length) return;
    if (this.posts.length === 0) {
      // Nothing to read yet, so nothing moves: show them at once.
      this.posts = add;
      void this.#announcer.say(add.length === 1 ? msg('1 new post.') : msg(str`${formatNumber(add.length)} new posts.`));
      return;
    }
    this.queued = [...add, ...this.queued];
    clearTimeout(this.#announceTimer);
    this.#announceTimer = setTimeout(() => {
      const n = this.queued.length;
      if (n) void this.#announcer.say(n === 1 ? msg('1 new post. Use the “1 new post” button at the top of the feed to show it.') : msg(str`${formatNumber(n)} new posts. Use the “${formatNumber(n)} new posts” button at the top of the feed to show them.`));
    }, 400);
  }

  /** Shows the queued new posts at the top and moves focus to the first of them. */
  async showNewPosts(): Promise<void> {
    const add = this.queued;
    if (!add.length) return;
    const shown = new Set(this.posts.map((p) => p.id));
    this.posts = [...add.filter((p) => !shown.has(p.id)), ...this.posts];
    this.queued = [];
    void this.#announcer.say(add.length === 1 ? msg('1 new post shown.') : msg(str`${formatNumber(add.length)} new posts shown.`));
    await this.#focusPost(add[0]!.id);
  }

  #scheduleRefresh(postId: string) {
    if (!this.posts.some((p) => p.id === postId)) return;
    this.#refreshIds.add(postId);
    clearTimeout(this.#refreshTimer);
    this.#refreshTimer = setTimeout(() => void this.#refresh(), 200);
  }

  /**
   * Fresh counts, reactions and text for posts that changed. The API has no
   * one-post read, so this reads the newest 100 posts: changes further down
   * the feed show on the next load.
   */
  async #refresh() {
    const ids = new Set(this.#refreshIds);
    this.#refreshIds.clear();
    const generation = this.#generation;
    try {
      const page = await this.#page(undefined, 100);
      if (generation !== this.#generation) return;
      const fresh = new Map(page.items.filter((p) => ids.has(p.id)).map((p) => [p.id, p]));
      if (fresh.size) this.posts = this.posts.map((p) => fresh.get(p.id) ?? p);
    } catch (err) {
      this.#failed(err);
    }
  }

  /* ---------- focus in the virtualized list ---------- */

  /** Scrolls a post into the DOM (it may be virtualized away) and focuses it. */
  async #focusPost(id: string, selector = '') {
    await this.updateComplete;
    const index = this.posts.findIndex((p) => p.id === id);
    if (index < 0) return;
    const find = () => this.renderRoot.querySelector<HTMLElement>(`article[data-id="${CSS.escape(id)}"]${selector ? ` ${selector}` : ''}`);
    await revealVirtualItem(this.renderRoot.querySelector('.feed'), index, find);
  }

  #syncBusy() {
    syncFeedBusy(this.renderRoot.querySelector('.feed'), this.loadingOlder);
  }

  #onRangeChanged = () => {
    // The virtualizer renders the new range in its own listener, after this one.
    void Promise.resolve().then(() => this.#syncBusy());
  };

  #onFeedKeydown(event: KeyboardEvent) {
    // The ARIA feed pattern: Page Down / Page Up move between posts.
    const next = feedKeyTarget(event, (id) => this.posts.findIndex((p) => p.id === id), this.posts.length);
    if (next !== null) void this.#focusPost(this.posts[next]!.id);
  }

  /* ---------- posting ---------- */

  get #outboxKey(): string | null {
    const me = this.#jc.session.me;
    if (!me || this.#mode !== 'community' || !this.community) return null;
    return unsentStorageKey(this.#jc.api.baseUrl, me.id, this.community);
  }

  #readOutbox(): OutboxItem[] {
    return readUnsent(this.#outboxKey, isUnsentPost).map((u) => ({ ...u, state: 'failed' as const, error: null }));
  }

  #saveOutbox() {
    writeUnsent<UnsentPost>(
      this.#outboxKey,
      this.outbox.map(({ state: _s, error: _e, ...u }) => u),
    );
  }

  #updateOutbox(clientId: string, patch: Partial<OutboxItem>) {
    this.outbox = this.outbox.map((o) => (o.clientId === clientId ? { ...o, ...patch } : o));
  }

  #onCompose(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const textarea = form.querySelector<HTMLTextAreaElement>('#jc-post-body')!;
    const fileInput = form.querySelector<HTMLInputElement>('#jc-post-file');
    const body = textarea.value;
    const file = fileInput?.files?.[0] ?? null;
    if (!body.trim()) {
      this.composerError = msg('Write something to post.');
      this.#focusAfterRender = '#jc-post-body';
      return;
    }
    if (file && file.size > FILE_LIMIT) {
      this.composerError = msg('That file is larger than 10 MB. Choose a smaller one.');
      this.#focusAfterRender = '#jc-post-file';
      return;
    }
    const item: OutboxItem = {
      clientId: crypto.randomUUID(),
      community: this.community,
      body,
      createdAt: new Date().toISOString(),
      state: 'sending',
      error: null,
    };
    if (file) {
      item.attachmentName = file.name;
      item.attachmentSize = file.size;
      this.#files.set(item.clientId, file);
    }
    this.outbox = [item, ...this.outbox];
    this.#saveOutbox();
    form.reset();
    this.composerError = null;
    void this.#send(item.clientId);
  }

  async #send(clientId: string) {
    const item = this.outbox.find((o) => o.clientId === clientId);
    if (!item) return;
    this.#updateOutbox(clientId, { state: 'sending', error: null });
    const api = this.#jc.api;
    try {
      let attachmentId = item.attachmentId;
      const file = this.#files.get(clientId);
      if (!attachmentId && file) {
        const uploaded = await api.uploadFile(item.community, file, file.name);
        attachmentId = uploaded.id;
        this.#files.delete(clientId);
        this.#updateOutbox(clientId, { attachmentId });
        this.#saveOutbox();
      }
      const { post } = await api.createPost(item.community, { type: 'status', body: item.body, clientId, ...(attachmentId ? { attachmentId } : {}) });
      const hadFocus = this.#focusIn(`[data-client-id="${clientId}"]`);
      this.outbox = this.outbox.filter((o) => o.clientId !== clientId);
      this.#saveOutbox();
      this.queued = this.queued.filter((p) => p.id !== post.id);
      this.posts = [post, ...this.posts.filter((p) => p.id !== post.id)];
      if (this.status !== 'ready') this.status = 'ready';
      fire(this, 'jc-post-created', { post });
      void this.#announcer.say(msg('Your post was published.'));
      if (hadFocus) await this.#focusPost(post.id);
    } catch (err) {
      const error = this.#failed(err);
      const reason = isRetryable(error) ? null : errorText(error);
      this.#updateOutbox(clientId, { state: 'failed', error: reason });
      void this.#announcer.say(reason ? msg(str`Your post was not sent: ${reason}`) : msg('Your post was not sent. It is kept here: use Retry to send it again.'));
    }
  }

  #focusIn(selector: string): boolean {
    const root = this.renderRoot as ShadowRoot;
    const active = root.activeElement;
    return Boolean(active && active.closest(selector));
  }

  #discard(clientId: string) {
    const index = this.outbox.findIndex((o) => o.clientId === clientId);
    this.outbox = this.outbox.filter((o) => o.clientId !== clientId);
    this.#files.delete(clientId);
    this.#saveOutbox();
    const next = this.outbox[index] ?? this.outbox[index - 1];
    this.#focusAfterRender = next ? `[data-client-id="${next.clientId}"] button` : '#jc-post-body';
    void this.#announcer.say(msg('The unsent post was discarded.'));
  }

  /* ---------- post actions ---------- */

  #replacePost(updated: Post) {
    this.posts = this.posts.map((p) => (p.id === updated.id ? updated : p));
  }

  async #toggleReaction(post: Post, kind: ReactionKind) {
    const key = `react:${post.id}:${kind}`;
    if (this.busy.has(key)) return;
    const active = !post.myReactions.includes(kind);
    const optimistic: Post = {
      ...post,
      myReactions: active ? [...post.myReactions, kind] : post.myReactions.filter((k) => k !== kind),
      reactions: { ...post.reactions, [kind]: Math.max(0, post.reactions[kind] + (active ? 1 : -1)) },
    };
    this.#replacePost(optimistic);
    this.#setBusy(key, true);
    this.#setPostError(post.id, null);
    try {
      const result = await this.#jc.api.setReaction(post.id, kind, active);
      const current = this.posts.find((p) => p.id === post.id);
      if (current) this.#replacePost({ ...current, reactions: result.reactions, myReactions: result.myReactions });
      fire(this, 'jc-reaction-changed', { postId: post.id, kind, active, reactions: result.reactions, myReactions: result.myReactions });
    } catch (err) {
      const error = this.#failed(err);
      const current = this.posts.find((p) => p.id === post.id);
      if (current) this.#replacePost({ ...current, reactions: post.reactions, myReactions: post.myReactions });
      this.#setPostError(post.id, errorText(error));
    } finally {
      this.#setBusy(key, false);
    }
  }

  async #toggleThread(post: Post) {
    const open = new Set(this.openThreads);
    if (open.has(post.id)) {
      open.delete(post.id);
      this.openThreads = open;
      return;
    }
    open.add(post.id);
    this.openThreads = open;
    await this.#loadThread(post.id);
  }

  #setThread(postId: string, view: ThreadView) {
    const next = new Map(this.threads);
    next.set(postId, view);
    this.threads = next;
  }

  async #loadThread(postId: string, quiet = false) {
    const before = this.threads.get(postId);
    if (!quiet || !before) this.#setThread(postId, { status: 'loading', items: before?.items ?? [], error: null });
    try {
      const items = await this.#jc.api.listComments(postId);
      this.#setThread(postId, { status: 'ready', items, error: null });
      const post = this.posts.find((p) => p.id === postId);
      if (post && post.commentCount !== items.length) this.#replacePost({ ...post, commentCount: items.length });
    } catch (err) {
      const error = this.#failed(err);
      if (!quiet) this.#setThread(postId, { status: 'error', items: before?.items ?? [], error });
    }
  }

  async #onComment(event: SubmitEvent, post: Post) {
    event.preventDefault();
    const key = `comment:${post.id}`;
    if (this.busy.has(key)) return;
    const textarea = (event.target as HTMLFormElement).querySelector('textarea')!;
    const body = textarea.value;
    if (!body.trim()) {
      this.#setPostError(post.id, msg('Write a comment first.'));
      textarea.focus();
      return;
    }
    this.#setBusy(key, true);
    this.#setPostError(post.id, null);
    try {
      const comment = await this.#jc.api.addComment(post.id, body);
      const view = this.threads.get(post.id);
      const items = [...(view?.items ?? []).filter((c) => c.id !== comment.id), comment];
      this.#setThread(post.id, { status: 'ready', items, error: null });
      const current = this.posts.find((p) => p.id === post.id);
      if (current) this.#replacePost({ ...current, commentCount: Math.max(current.commentCount + (view?.items.some((c) => c.id === comment.id) ? 0 : 1), items.length) });
      this.#drafts.delete(key);
      textarea.value = '';
      void this.#announcer.say(msg('Your comment was added.'));
    } catch (err) {
      this.#setPostError(post.id, errorText(this.#failed(err)));
    } finally {
      this.#setBusy(key, false);
    }
  }

  #openPanel(post: Post, kind: Panel['kind']) {
    this.panel = { postId: post.id, kind };
    this.panelError = null;
    if (kind === 'edit') this.#drafts.set(`edit:${post.id}`, post.body);
    this.#focusAfterRender = kind === 'delete' ? `article[data-id="${post.id}"] .confirm [data-cancel]` : `#jc-${kind}-${post.id}`;
  }

  #closePanel(post: Post) {
    const kind = this.panel?.kind;
    this.panel = null;
    this.panelError = null;
    if (kind) this.#focusAfterRender = `article[data-id="${post.id}"] [data-action="${kind}"]`;
  }

  /** Escape closes an edit, delete or report box, back to its button. */
  #onPanelKey(event: KeyboardEvent, post: Post) {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    this.#closePanel(post);
  }

  async #onEdit(event: SubmitEvent, post: Post) {
    event.preventDefault();
    const key = `edit:${post.id}`;
    if (this.busy.has(key)) return;
    const body = (event.target as HTMLFormElement).querySelector('textarea')!.value;
    if (!body.trim()) {
      this.panelError = msg('A post cannot be empty. Delete it instead.');
      return;
    }
    this.#setBusy(key, true);
    this.panelError = null;
    try {
      const updated = await this.#jc.api.editPost(post.id, body);
      this.#replacePost(updated);
      this.#drafts.delete(key);
      this.#closePanel(post);
      void this.#announcer.say(msg('Your post was updated.'));
    } catch (err) {
      this.panelError = errorText(this.#failed(err));
    } finally {
      this.#setBusy(key, false);
    }
  }

  async #onDelete(post: Post) {
    const key = `delete:${post.id}`;
    if (this.busy.has(key)) return;
    this.#setBusy(key, true);
    this.panelError = null;
    try {
      await this.#jc.api.deletePost(post.id);
      const index = this.posts.findIndex((p) => p.id === post.id);
      this.posts = this.posts.filter((p) => p.id !== post.id);
      this.panel = null;
      fire(this, 'jc-post-deleted', { postId: post.id, post });
      void this.#announcer.say(msg('The post was deleted.'));
      const next = this.posts[index] ?? this.posts[index - 1];
      if (next) await this.#focusPost(next.id);
      else this.#focusAfterRender = '#jc-feed-title';
    } catch (err) {
      this.panelError = errorText(this.#failed(err));
    } finally {
      this.#setBusy(key, false);
    }
  }

  async #onReport(event: SubmitEvent, post: Post) {
    event.preventDefault();
    const key = `report:${post.id}`;
    if (this.busy.has(key)) return;
    const reason = (event.target as HTMLFormElement).querySelector('textarea')!.value.trim();
    if (!reason) {
      this.panelError = msg('Say why you are reporting this post.');
      return;
    }
    this.#setBusy(key, true);
    this.panelError = null;
    try {
      await this.#jc.api.reportPost(post.id, reason);
      this.#drafts.delete(key);
      this.#closePanel(post);
      void this.#announcer.say(msg('Thank you. The post was reported to the community’s moderators.'));
    } catch (err) {
      this.panelError = errorText(this.#failed(err));
    } finally {
      this.#setBusy(key, false);
    }
  }

  /** An attachment's address on the API's server; only http(s). */
  #fileHref(url: string): string | undefined {
    try {
      const href = this.#jc.api.resolve(url);
      return /^https?:/i.test(href) ? href : undefined;
    } catch {
      return undefined;
    }
  }

  async #onDownload(event: MouseEvent, url: string, filename: string) {
    // Across origins a plain link carries no credentials: fetch with the token instead.
    if (!this.#jc.api.crossOrigin) return;
    event.preventDefault();
    try {
      const response = await this.#jc.api.stream(url);
      if (!response.ok) throw httpError(response.status);
      const blob = await response.blob();
      const href = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = href;
      a.download = filename;
      a.click();
      setTimeout(() => URL.revokeObjectURL(href), 10_000);
    } catch (err) {
      this.composerError = errorText(toApiError(err));
    }
  }

  async #onOptIn() {
    this.optingIn = true;
    try {
      await this.#jc.session.update({ optedIn: true });
      if (this.status !== 'loading') this.reload();
      this.#focusAfterRender = '#jc-feed-title';
      void this.#announcer.say(msg('You opted in to JusticeConnect.'));
    } catch (err) {
      this.loadError = this.#failed(err);
    } finally {
      this.optingIn = false;
    }
  }

  /* ---------- rendering ---------- */

  get #canPost(): boolean {
    return this.#mode === 'community' && this.info?.membership?.state === 'active' && !this.info.archived;
  }

  /** May react and comment: members of the community (every post of "mine" is in one of the user's communities). */
  #canTakePart(post: Post): boolean {
    if (this.#mode === 'mine') return true;
    return this.info?.membership?.state === 'active' && !this.info.archived && post.communityId === this.info.id;
  }

  #time(iso: string, id?: string) {
    return renderTime(iso, this.now, intlLocale(), id);
  }

  #reactionLabel(kind: ReactionKind): string {
    switch (kind) {
      case 'like':
        return msg('Like');
      case 'thanks':
        return msg('Thanks');
      case 'important':
        return msg('Important');
    }
  }

  #renderReactions(post: Post) {
    const takePart = this.#canTakePart(post);
    return html`<div class="reactions" part="reactions" role="group" aria-label=${msg(str`Reactions to ${post.author.name}’s post`)}>
      ${REACTION_KINDS.map((kind) => {
        const count = post.reactions[kind];
        const pressed = post.myReactions.includes(kind);
        const inner = html`<span aria-hidden="true">${REACTION_ICON[kind]}</span> ${this.#reactionLabel(kind)}
          <span class="count">${formatNumber(count)}</span>`;
        return takePart
          ? html`<button
              part="reaction button"
              type="button"
              class="reaction"
              data-reaction=${kind}
              aria-pressed=${pressed ? 'true' : 'false'}
              @click=${() => this.#toggleReaction(post, kind)}
            >
              ${inner}
            </button>`
          : html`<span class="reaction static" part="reaction">${inner}</span>`;
      })}
    </div>`;
  }

  #renderPanel(post: Post) {
    const panel = this.panel?.postId === post.id ? this.panel : null;
    if (!panel) return nothing;
    const error = this.panelError ? html`<p class="error" part="error" role="alert">${this.panelError}</p>` : nothing;
    const busy = this.busy.has(`${panel.kind}:${post.id}`);
    if (panel.kind === 'delete') {
      return html`<div class="confirm" role="group" aria-labelledby=${`jc-delete-q-${post.id}`} @keydown=${(e: KeyboardEvent) => this.#onPanelKey(e, post)}>
        <p id=${`jc-delete-q-${post.id}`}>${msg('Delete this post? This cannot be undone.')}</p>
        ${error}
        <div class="form-actions">
          <button part="button" type="button" class="danger" aria-disabled=${busy ? 'true' : 'false'} @click=${() => this.#onDelete(post)}>
            ${busy ? msg('Deleting…') : msg('Delete post')}
          </button>
          <button part="button" type="button" class="secondary" data-cancel @click=${() => this.#closePanel(post)}>${msg('Cancel')}</button>
        </div>
      </div>`;
    }
    const kind = panel.kind;
    const key = `${kind}:${post.id}`;
    const id = `jc-${kind}-${post.id}`;
    const label = kind === 'edit' ? msg('Edit your post') : msg('Why are you reporting this post?');
    const submit = kind === 'edit' ? (busy ? msg('Saving…') : msg('Save')) : busy ? msg('Sending…') : msg('Send report');
    return html`<form
      class="inline-form"
      part="form"
      @keydown=${(e: KeyboardEvent) => this.#onPanelKey(e, post)}
      @submit=${(e: SubmitEvent) => (kind === 'edit' ? this.#onEdit(e, post) : this.#onReport(e, post))}
    >
      <label for=${id}>${label}</label>
      ${kind === 'report'
        ? html`<span class="hint" id=${`${id}-hint`}>${msg('Only the community’s owners and moderators see reports.')}</span>`
        : nothing}
      <textarea
        id=${id}
        part="input"
        maxlength=${kind === 'edit' ? 20000 : 1000}
        aria-describedby=${kind === 'report' ? `${id}-hint` : nothing}
        .value=${this.#drafts.get(key) ?? ''}
        @input=${(e: Event) => this.#drafts.set(key, (e.target as HTMLTextAreaElement).value)}
      ></textarea>
      ${error}
      <div class="form-actions">
        <button part="button" type="submit" aria-disabled=${busy ? 'true' : 'false'}>${submit}</button>
        <button part="button" type="button" class="secondary" @click=${() => this.#closePanel(post)}>${msg('Cancel')}</button>
      </div>
    </form>`;
  }

  #renderThread(post: Post) {
    const open = this.openThreads.has(post.id);
    const view = this.threads.get(post.id);
    const takePart = this.#canTakePart(post);
    let body: unknown = nothing;
    if (open && view) {
      if (view.status === 'loading' && view.items.length === 0) body = html`<p class="muted" part="status">${msg('Loading comments…')}</p>`;
      else if (view.status === 'error' && view.error)
        body = html`<p class="error" part="error" role="alert">${errorText(view.error)}</p>
          <button part="button" type="button" class="small" @click=${() => this.#loadThread(post.id)}>${msg('Try again')}</button>`;
      else if (view.items.length === 0) body = html`<p class="muted">${msg('No comments yet.')}</p>`;
      else
        body = html`<ol class="comment-list" aria-label=${msg(str`Comments on ${post.author.name}’s post`)}>
          ${repeat(
            view.items,
            (c) => c.id,
            (c) => html`<li class="comment" part="comment" data-comment-id=${c.id}>
              <p class="meta" part="meta">
                <strong class="name">${c.author.name}</strong>
                ${c.author.agency ? html`<span>${c.author.agency}</span>` : nothing} ${this.#time(c.createdAt)}
              </p>
              <div class="body" part="body">${markdown(c.body)}</div>
            </li>`,
          )}
        </ol>`;
    }
    const key = `comment:${post.id}`;
    const busy = this.busy.has(key);
    const form = open && takePart
      ? html`<form class="inline-form comment-form" part="form" @submit=${(e: SubmitEvent) => this.#onComment(e, post)}>
          <label for=${`jc-comment-${post.id}`}>${msg('Write a comment')}</label>
          <textarea
            id=${`jc-comment-${post.id}`}
            part="input"
            maxlength="5000"
            rows="2"
            .value=${this.#drafts.get(key) ?? ''}
            @input=${(e: Event) => this.#drafts.set(key, (e.target as HTMLTextAreaElement).value)}
          ></textarea>
          <div class="form-actions">
            <button part="button" type="submit" class="small" aria-disabled=${busy ? 'true' : 'false'}>
              ${busy ? msg('Sending…') : msg('Comment')}
            </button>
          </div>
        </form>`
      : nothing;
    return html`<div id=${`jc-comments-${post.id}`} class="comments" part="comments" ?hidden=${!open}>${body} ${form}</div>`;
  }

  #renderPost(post: Post, index: number): TemplateResult {
    if (this.tombstones.has(post.id)) {
      return html`<article class="post deleted" part="post" data-id=${post.id} tabindex="-1" aria-posinset=${index + 1} aria-setsize=${this.nextCursor ? -1 : this.posts.length} aria-label=${msg('Deleted post')}>
        <p class="muted">${msg('This post was deleted.')}</p>
      </article>`;
    }
    const open = this.openThreads.has(post.id);
    const comments = post.commentCount === 1 ? msg('1 comment') : msg(str`${formatNumber(post.commentCount)} comments`);
    const error = this.postErrors.get(post.id);
    return html`<article
      class="post"
      part="post"
      data-id=${post.id}
      tabindex="-1"
      aria-posinset=${index + 1}
      aria-setsize=${this.nextCursor ? -1 : this.posts.length}
      aria-labelledby=${`jc-author-${post.id} jc-time-${post.id}`}
    >
      <header>
        <h3 class="author" id=${`jc-author-${post.id}`}>${post.author.name}</h3>
        <p class="meta" part="meta">
          ${post.author.agency ? html`<span>${post.author.agency}</span>` : nothing} ${this.#time(post.createdAt, `jc-time-${post.id}`)}
          ${post.editedAt ? html`<span>${msg('Edited')}</span>` : nothing}
          ${this.#mode === 'mine' ? html`<span>${msg(str`in ${post.communityName}`)}</span>` : nothing}
        </p>
      </header>
      ${post.title ? html`<p class="title">${post.title}</p>` : nothing}
      <div class="body" part="body">${markdown(post.body)}</div>
      ${post.attachment
        ? html`<p class="attachment" part="attachment">
            <span aria-hidden="true">📎</span>
            <a
              href=${this.#fileHref(post.attachment.url) ?? nothing}
              download=${post.attachment.filename}
              rel="noopener noreferrer"
              @click=${(e: MouseEvent) => this.#onDownload(e, post.attachment!.url, post.attachment!.filename)}
              >${post.attachment.filename}</a
            >
            <span class="muted">(${fileSize(post.attachment.size, intlLocale())})</span>
          </p>`
        : nothing}
      ${this.#renderReactions(post)}
      <div class="actions" part="actions">
        <button
          part="button"
          type="button"
          class="small secondary"
          data-action="comments"
          aria-expanded=${open ? 'true' : 'false'}
          aria-controls=${`jc-comments-${post.id}`}
          @click=${() => this.#toggleThread(post)}
        >
          ${comments}
        </button>
        ${post.canEdit
          ? html`<button part="button" type="button" class="small secondary" data-action="edit" @click=${() => this.#openPanel(post, 'edit')}>${msg('Edit')}</button>`
          : nothing}
        ${post.canDelete
          ? html`<button part="button" type="button" class="small secondary" data-action="delete" @click=${() => this.#openPanel(post, 'delete')}>${msg('Delete')}</button>`
          : nothing}
        ${post.author.id !== this.#jc.session.me?.id
          ? html`<button part="button" type="button" class="small secondary" data-action="report" @click=${() => this.#openPanel(post, 'report')}>${msg('Report')}</button>`
          : nothing}
      </div>
      ${error ? html`<p class="error" part="error" role="alert">${error}</p>` : nothing} ${this.#renderPanel(post)} ${this.#renderThread(post)}
    </article>`;
  }

  #renderOutbox() {
    if (!this.outbox.length) return nothing;
    const me = this.#jc.session.me;
    return html`<ol class="outbox" aria-label=${msg('Your posts not yet sent')}>
      ${repeat(
        this.outbox,
        (o) => o.clientId,
        (o) => html`<li>
          <article class="post unsent ${o.state}" part="post" data-client-id=${o.clientId} aria-labelledby=${`jc-unsent-${o.clientId}`}>
            <header>
              <h3 class="author" id=${`jc-unsent-${o.clientId}`}>${me?.name ?? msg('You')}</h3>
              <p class="meta" part="meta">
                ${me?.agency ? html`<span>${me.agency.name}</span>` : nothing} ${this.#time(o.createdAt)}
              </p>
            </header>
            <div class="body" part="body">${markdown(o.body)}</div>
            ${o.attachmentName
              ? html`<p class="attachment" part="attachment">
                  <span aria-hidden="true">📎</span> ${o.attachmentName}
                  ${o.attachmentSize !== undefined ? html`<span class="muted">(${fileSize(o.attachmentSize, intlLocale())})</span>` : nothing}
                  ${o.state === 'failed' && !o.attachmentId && !this.#files.has(o.clientId)
                    ? html`<span class="muted">${msg('The file was not uploaded before the page reloaded; Retry posts the text only.')}</span>`
                    : nothing}
                </p>`
              : nothing}
            ${o.state === 'sending'
              ? html`<p class="post-status" part="post-status">${msg('Sending…')}</p>`
              : html`<p class="post-status failed" part="post-status">
                    <strong>${msg('Not sent')}</strong>${o.error ? html`: ${o.error}` : html` — ${msg('your post is kept here until it is sent.')}`}
                  </p>
                  <div class="form-actions">
                    <button part="button" type="button" class="small" data-retry @click=${() => this.#send(o.clientId)}>${msg('Retry')}</button>
                    <button part="button" type="button" class="small secondary" @click=${() => this.#discard(o.clientId)}>${msg('Discard')}</button>
                  </div>`}
          </article>
        </li>`,
      )}
    </ol>`;
  }

  #renderComposer() {
    if (!this.#canPost) return nothing;
    const name = this.info?.name ?? '';
    return html`<form class="composer" part="composer" novalidate @submit=${this.#onCompose}>
      <label for="jc-post-body">${msg(str`Share with ${name}`)}</label>
      <span class="hint" id="jc-post-hint">${msg('Markdown works: **bold**, _italic_, lists and links.')}</span>
      <textarea
        id="jc-post-body"
        part="input"
        name="body"
        maxlength="20000"
        rows="3"
        aria-describedby=${this.composerError ? 'jc-post-hint jc-post-error' : 'jc-post-hint'}
        aria-invalid=${this.composerError ? 'true' : 'false'}
      ></textarea>
      <label for="jc-post-file" class="file-label">${msg('Attach a file (optional)')}</label>
      <span class="hint" id="jc-file-hint">${msg('Up to 10 MB: PDF, PNG, JPEG, GIF, text, CSV, Word or Excel.')}</span>
      <input id="jc-post-file" part="input" type="file" name="file" accept=${FILE_ACCEPT} aria-describedby="jc-file-hint" />
      ${this.composerError ? html`<p class="error" part="error" id="jc-post-error" role="alert">${this.composerError}</p>` : nothing}
      <div class="form-actions">
        <button part="button" type="submit">${msg('Post')}</button>
      </div>
    </form>`;
  }

  #renderFeed() {
    const n = this.queued.length;
    let list: unknown;
    if (this.status === 'loading') {
      list = html`<p class="muted" part="status" role="status">${msg('Loading posts…')}</p>`;
    } else if (this.status === 'error' && this.loadError) {
      list = html`<p class="error" part="error" role="alert">${errorText(this.loadError)}</p>
        <button part="button" type="button" @click=${() => this.reload()}>${msg('Try again')}</button>`;
    } else if (this.membersOnly) {
      list = html`<p>${msg('Only members see this community’s posts. Accept your invitation (or ask to join) to see them.')}</p>`;
    } else if (this.posts.length === 0) {
      list = html`<p class="empty">${msg('No posts yet.')}${this.#canPost ? html` ${msg('Be the first to post.')}` : nothing}</p>`;
    } else {
      list = html`<div
          class="feed"
          role="feed"
          part="feed"
          aria-labelledby="jc-feed-title"
          aria-busy="true"
          @keydown=${this.#onFeedKeydown}
          @rangeChanged=${this.#onRangeChanged}
        >
          ${virtualize({
            items: this.posts,
            // A range computed for a longer list may briefly outlive it: skip the gaps.
            keyFunction: (p: Post | undefined, i: number) => p?.id ?? `gap-${i}`,
            renderItem: (p: Post | undefined, i: number) => (p ? this.#renderPost(p, i) : html``),
          })}
        </div>
        <div class="sentinel" aria-hidden="true"></div>
        ${this.olderError ? html`<p class="error more" part="error" role="alert">${errorText(this.olderError)}</p>` : nothing}
        ${this.nextCursor
          ? html`<div class="more">
              <button part="button" type="button" class="secondary" aria-disabled=${this.loadingOlder ? 'true' : 'false'} @click=${() => this.#onLoadOlderClick()}>
                ${this.loadingOlder ? msg('Loading older posts…') : msg('Load older posts')}
              </button>
            </div>`
          : html`<p class="muted end">${msg('You have reached the first post.')}</p>`}`;
    }
    const readOnly =
      this.#mode === 'community' && this.info && !this.#canPost && !this.membersOnly
        ? html`<p class="muted note">
            ${this.info.archived
              ? msg('This community is archived: its posts can be read but not added to.')
              : msg(str`You are reading ${this.info.name} as a visitor. Join it to post, react and comment.`)}
          </p>`
        : nothing;
    return html`${readOnly} ${this.#renderComposer()} ${this.#renderOutbox()}
      ${n
        ? html`<div class="pill-bar">
            <button part="new-posts button" type="button" class="pill" @click=${() => this.showNewPosts()}>
              <span aria-hidden="true">↑</span> ${n === 1 ? msg('1 new post') : msg(str`${formatNumber(n)} new posts`)}
            </button>
          </div>`
        : nothing}
      ${list}`;
  }

  #renderBody() {
    const signedOut = renderSessionState(this.#jc.session.state, () => void this.#jc.session.refresh(), msg('Sign in to JusticeConnect to see and share posts.'), this.#jc.session.idleTimeoutMinutes);
    if (signedOut) return signedOut;
    if (this.#mode === 'community' && !this.community) return html`<p class="error" part="error">${msg('No community was given to show.')}</p>`;
    const error = this.status === 'error' ? this.loadError : null;
    const gate = renderAccountGate(error?.code, {
      optInText: msg('Opt in to JusticeConnect to see and share posts with officers across agencies.'),
      optingIn: this.optingIn,
      onOptIn: () => void this.#onOptIn(),
    });
    if (gate) return gate;
    if (error && error.status === 404) return html`<p>${msg('This community is not available.')}</p>`;
    return this.#renderFeed();
  }

  #title(): string {
    if (this.#mode === 'mine') return msg('Posts from your communities');
    if (this.info && this.status === 'ready') return msg(str`Posts in ${this.info.name}`);
    return msg('Community posts');
  }

  protected override render() {
    return html`<section class="panel" part="panel" aria-labelledby="jc-feed-title">
      <h2 id="jc-feed-title" part="heading" tabindex="-1">${this.#title()}</h2>
      ${this.#renderBody()}
      ${this.#announcer.render()}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'jc-community-feed': JcCommunityFeed;
  }
}
