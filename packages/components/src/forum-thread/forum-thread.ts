import { msg, str } from '@lit/localize';
import { communityEndpoints } from '../api/communities.js';
import { forumEndpoints } from '../api/forums.js';
import { replyEndpoints } from '../api/replies.js';
import { Announcer } from '../shared/announcer.js';
import { fire } from '../shared/events.js';
import { virtualize } from '@lit-labs/virtualizer/virtualize.js';
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ApiError } from '../api/client.js';
import type { LiveEvent } from '../api/events.js';
import { toApiError } from '../api/session.js';
import type { Community, Forum, Reply, ReplyPage, Topic } from '../api/schemas.js';
import { FLAG_REASONS, type FlagReason } from '../api/forum-schemas.js';
import { JcController } from '../context.js';
import { LiveController } from '../live.js';
import { errorText, renderAccountGate, renderSessionState } from '../shared/account-states.js';
import { markdown, markdownText } from '../shared/markdown.js';
import { MarkdownEditor } from '../shared/markdown-editor.js';
import { formatNumber, intlLocale } from '../shared/localization.js';
import { renderTime } from '../shared/time.js';
import { isRetryable, readUnsent, writeUnsent } from '../shared/unsent.js';
import { FocusKeeper, feedKeyTarget, layoutComplete, revealVirtualItem, syncFeedBusy } from '../shared/virtual-list.js';
import { forumThreadStyles } from './forum-thread.styles.js';

/** A reply written here that the server has not confirmed yet (kept in sessionStorage until it has). */
export interface UnsentReply {
  /** The idempotency key: every try sends the same one, so a retry cannot post twice. */
  clientId: string;
  topicId: string;
  body: string;
  createdAt: string;
  parentId?: string;
  /** Who the reply answers (shown while it is unsent). */
  parentAuthor?: string;
  quote?: { id: string; authorName: string; excerpt: string };
}

interface OutboxItem extends UnsentReply {
  state: 'sending' | 'failed';
  error: string | null;
}

/** An open edit or delete box: on the topic, or on one reply. */
interface Panel {
  target: 'topic' | string;
  kind: 'edit' | 'delete';
}

interface FlagTarget {
  kind: 'topic' | 'reply';
  id: string;
  /** Whose words are flagged, for the dialog's title. */
  authorName: string;
}

/** Where a tab keeps one user's unsent replies to one topic (sessionStorage). */
export function unsentReplyKey(apiOrigin: string, userId: string, topicId: string): string {
  return `jc-thread-unsent:${apiOrigin}|${userId}|${topicId}`;
}

const THREAD_EVENTS = new Set(['reply.created', 'reply.updated', 'reply.deleted', 'topic.updated', 'topic.deleted']);
const QUOTE_LENGTH = 200;

function isUnsent(item: unknown): item is UnsentReply {
  const u = item as UnsentReply | null;
  return Boolean(u && typeof u.clientId === 'string' && typeof u.body === 'string' && typeof u.topicId === 'string');
}

/** A Markdown text as plain text, in one line (for a quote's excerpt). */
export function plainExcerpt(source: string, max = QUOTE_LENGTH): string {
  const text = markdownText(source);
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

/** The reply id a `#reply-ID` location hash names, or null. */
function hashReplyId(): string | null {
  const match = /^#reply-(.+)$/.exec(typeof location === 'undefined' ? '' : location.hash);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}

/**
 * One forum topic and its replies (`topic="ID"`): the topic's title, badges,
 * tags, author and Markdown body; follow; moderators pin, lock, move and
 * delete; replies in thread order (a reply to a reply is indented under it),
 * quotes, likes, flags, the accepted answer of a question; a Write / Preview
 * composer for those who may reply, optimistic and kept until sent. Long
 * threads stay fast: replies load 50 at a time as the reader scrolls, and the
 * list is virtualized. `#reply-ID` in the page's address (on load, or when it
 * changes) loads that reply's page, scrolls to it and focuses it. Live: new
 * replies by others appear (or wait behind an "N new replies" button when the
 * end of the thread is not loaded), edits, likes, deletions and lock changes
 * show as they happen.
 *
 * @element jc-forum-thread
 * @attr theme - The widget's colour theme: `light`, `dark` or `high-contrast`. Without it the widget takes its `jc-provider`'s `theme`, or else follows the reader's system (`prefers-color-scheme`, and `prefers-contrast: more`). `--jc-*` custom properties set by the page win over any theme.
 * @fires jc-reply-created - The server confirmed a reply written here. `detail.reply` is the reply.
 * @fires jc-topic-changed - The user changed the topic here (follow, pin, lock, move, edit, answer, delete). `detail` is `{ topic, deleted? }`.
 * @csspart heading - The widget's heading.
 * @csspart panel - The box around the widget.
 * @csspart topic - The topic: title, badges, tags, author and body.
 * @csspart badge - One of the topic's badges (question, answered, pinned, locked), and a reply's "Accepted answer".
 * @csspart tag - One of the topic's tags.
 * @csspart meta - The author line of the topic or a reply: agency, time.
 * @csspart body - The topic's or a reply's text.
 * @csspart moderation - The moderator tools (pin, lock, move, delete).
 * @csspart thread - The list of replies (role=feed).
 * @csspart reply - One reply (an article); unsent replies too.
 * @csspart quote - The quoted words in a reply, and in the composer while quoting.
 * @csspart actions - The topic's buttons, and each reply's.
 * @csspart like - A reply's Like button (aria-pressed), or its count for readers who cannot like it.
 * @csspart new-replies - The "N new replies" button.
 * @csspart composer - The form for a new reply.
 * @csspart context - Above the composer: the reply being answered, or the words being quoted, with a button to cancel.
 * @csspart tab - The composer's Write and Preview tabs.
 * @csspart preview - The composer's preview.
 * @csspart input - Every text box, text area and select.
 * @csspart button - Every button.
 * @csspart form - The edit boxes.
 * @csspart dialog - The flag dialog.
 * @csspart note - A note about the topic (locked, members only, deleted).
 * @csspart reply-status - "Sending…" or "Not sent" on an unsent reply.
 * @csspart error - An error message.
 * @csspart status - Loading text and the announcement of each action's result.
 * @cssprop --jc-forum-thread-max-width - The widget's largest width (52rem).
 * @cssprop --jc-forum-thread-indent - How far a reply to a reply is indented (2rem).
 * @cssprop --jc-color-surface - The background of the panel and its fields (light #ffffff, dark #1b1b1b, high contrast #ffffff).
 * @cssprop --jc-color-text - Text (light #1b1b1b, dark #f0f0f0, high contrast #000000).
 * @cssprop --jc-color-text-muted - Secondary text: author and date lines, hints, loading text (light #565c65, dark #c6cace, high contrast #2d2e2f).
 * @cssprop --jc-color-border - Borders of the panel, fields and dividers (light #8d9297, dark #8d9297, high contrast #000000).
 * @cssprop --jc-color-primary - Buttons, links and selected items (light #005ea2, dark #73b3e7, high contrast #0b4778).
 * @cssprop --jc-color-on-primary - Text on primary buttons (light #ffffff, dark #1b1b1b, high contrast #ffffff).
 * @cssprop --jc-color-focus - The focus outline's colour (light #0076d6, dark #58b4ff, high contrast #0050d8).
 * @cssprop --jc-color-danger - Error messages, fields in error, the confirming Delete buttons, the Locked badge and note, and a reply that could not be sent (light #b50909, dark #f8a9a9, high contrast #8b0a03).
 * @cssprop --jc-color-danger-surface - Error messages' background (light #f4e3db, dark #3b1414, high contrast #fff3f2).
 * @cssprop --jc-color-success - The accepted answer's badge and edge, and the edge of the message that announces the result of an action (light #00a91c, dark #70e17b, high contrast #154c21).
 * @cssprop --jc-color-scheme - The colour scheme of native controls (checkboxes, selects, scrollbars) (`light`; `dark` in the dark theme).
 * @cssprop --jc-font-family - The font (system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif).
 * @cssprop --jc-font-family-heading - Headings' font (the body font).
 * @cssprop --jc-font-size - The base font size (1rem).
 * @cssprop --jc-font-size-small - Small text: author and date lines, hints, small buttons (0.875rem).
 * @cssprop --jc-font-size-heading - The widget's heading (1.25rem).
 * @cssprop --jc-line-height - Line height (1.5).
 * @cssprop --jc-space - The padding of the panel and of the flag dialog (1rem).
 * @cssprop --jc-radius - Corner radius of the panel, buttons and fields (0.25rem).
 * @cssprop --jc-focus-width - The focus outline's width, at least 2px (0.25rem).
 * @cssprop --jc-focus-ring - The whole focus outline, instead of `--jc-focus-width` and `--jc-color-focus` (`--jc-focus-width solid --jc-color-focus`).
 */
@customElement('jc-forum-thread')
export class JcForumThread extends LitElement {
  static override styles = forumThreadStyles;

  /** The JusticeConnect server, when the widget is used without a `jc-provider`. */
  @property() api: string | undefined;

  /** The id of the topic to show. */
  @property({ reflect: true }) topic = '';

  /** How many replies to load at a time (1–100). */
  @property({ type: Number, attribute: 'page-size' }) pageSize = 50;

  @state() private status: 'idle' | 'loading' | 'ready' | 'error' = 'idle';
  @state() private loadError: ApiError | null = null;
  @state() private info: Topic | null = null;
  @state() private topicDeleted = false;
  @state() private community: Community | null = null;
  @state() private forums: Forum[] | null = null;
  @state() private replies: Reply[] = [];
  @state() private nextCursor: string | null = null;
  @state() private prevCursor: string | null = null;
  @state() private total = 0;
  @state() private loadingNext = false;
  @state() private loadingPrev = false;
  @state() private pageError: { direction: 'next' | 'prev'; error: ApiError } | null = null;
  /** Replies by others that arrived live past the end of what is loaded. */
  @state() private waiting: string[] = [];
  @state() private outbox: OutboxItem[] = [];
  @state() private replyTo: Reply | null = null;
  @state() private quoting: Reply | null = null;
  @state() private composerError: string | null = null;
  @state() private panel: Panel | null = null;
  @state() private panelError: string | null = null;
  @state() private panelFields: Record<string, string> = {};
  @state() private busy = new Set<string>();
  @state() private replyErrors = new Map<string, string>();
  @state() private topicError: string | null = null;
  @state() private flagTarget: FlagTarget | null = null;
  @state() private flagReason: FlagReason | null = null;
  @state() private flagError: string | null = null;
  @state() private flagNoteError: string | null = null;
  @state() private moveTo = '';
  @state() private optingIn = false;
  @state() private now = Date.now();

  #jc = new JcController(this, communityEndpoints, forumEndpoints, replyEndpoints);
  #live = new LiveController(this, this.#jc, {
    topics: () => (this.info && !this.topicDeleted ? [`community:${this.info.communitySlug}`] : []),
    onEvent: (e) => this.#onLive(e),
    onResync: () => {
      if (this.#loadedFor) this.reload();
    },
  });
  #editor = new MarkdownEditor(this, 'jc-reply-body');
  #keeper: FocusKeeper | null = null;
  /** Who and what the thread was loaded for; a change reloads it. */
  #loadedFor: string | null = null;
  /** Answers to older loads are dropped. */
  #generation = 0;
  /** Text typed into edit boxes, kept while a reply scrolls out of the DOM. */
  #drafts = new Map<string, string>();
  /** Every author seen, by reply id (a nested reply names whom it answers even when that reply is not loaded). */
  #names = new Map<string, string>();
  #focusAfterRender: string | null = null;
  #pageLoad: Promise<void> | null = null;
  #observer: IntersectionObserver | null = null;
  #observed: Element[] = [];
  #flagReturn: HTMLElement | null = null;
  #clock: ReturnType<typeof setInterval> | undefined;
  #announcer = new Announcer(this);
  #announceTimer: ReturnType<typeof setTimeout> | undefined;
  #topicTimer: ReturnType<typeof setTimeout> | undefined;
  #replyTimers = new Map<string, ReturnType<typeof setTimeout>>();

  get #locale(): string | undefined {
    return intlLocale();
  }

  get #me() {
    return this.#jc.session.me;
  }

  /** Reloads the topic and its replies (unsent replies stay). */
  reload(): void {
    this.#loadedFor = this.#loadKey();
    void this.#load();
  }

  /** Loads the next page of replies (what scrolling to the end does); resolves when it is shown. */
  loadMore(): Promise<void> {
    return this.#loadPage('next');
  }

  /** Loads the page before the first reply shown (when the thread was opened at a linked reply). */
  loadEarlier(): Promise<void> {
    return this.#loadPage('prev');
  }

  /** Scrolls to a reply, loading its page if needed, and focuses it. Resolves false if the topic has no such reply. */
  async showReply(id: string): Promise<boolean> {
    return this.#goToReply(id, false);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#clock = setInterval(() => (this.now = Date.now()), 30_000);
    window.addEventListener('hashchange', this.#onHashChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#clock);
    clearTimeout(this.#announceTimer);
    clearTimeout(this.#topicTimer);
    for (const timer of this.#replyTimers.values()) clearTimeout(timer);
    this.#replyTimers.clear();
    window.removeEventListener('hashchange', this.#onHashChange);
    this.#observer?.disconnect();
    this.#observer = null;
    this.#observed = [];
  }

  #loadKey(): string | null {
    const s = this.#jc.session.state;
    if (s.status !== 'signed-in') return null;
    return [s.me.id, s.me.optedIn, s.me.status, this.topic, this.#limit].join('|');
  }

  get #limit(): number {
    return Math.min(100, Math.max(1, Math.trunc(this.pageSize) || 50));
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
    this.#observeSentinels();
    syncFeedBusy(this.#thread(), this.loadingNext || this.loadingPrev);
    this.#focusKeeper.restore();
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
    this.topicDeleted = false;
    this.community = null;
    this.forums = null;
    this.#resetReplies();
    this.replyTo = null;
    this.quoting = null;
    this.composerError = null;
    this.panel = null;
    this.panelError = null;
    this.panelFields = {};
    this.replyErrors = new Map();
    this.topicError = null;
    this.#closeFlag(false);
    this.#names.clear();
  }

  #resetReplies() {
    this.replies = [];
    this.nextCursor = null;
    this.prevCursor = null;
    this.total = 0;
    this.pageError = null;
    this.waiting = [];
    this.loadingNext = false;
    this.loadingPrev = false;
  }

  #setBusy(key: string, on: boolean) {
    const next = new Set(this.busy);
    if (on) next.add(key);
    else next.delete(key);
    this.busy = next;
  }

  #setReplyError(replyId: string, text: string | null) {
    const next = new Map(this.replyErrors);
    if (text) next.set(replyId, text);
    else next.delete(replyId);
    this.replyErrors = next;
  }

  /** A failed request, as an ApiError: a lapsed session signs the widget out; anything else is for the caller to show. */
  #failed(err: unknown): ApiError {
    const error = toApiError(err);
    if (error.status === 401) void this.#jc.session.refresh();
    return error;
  }

  /* ---------- loading ---------- */

  #remember(items: readonly Reply[]) {
    for (const r of items) if (r.author) this.#names.set(r.id, r.author.name);
  }

  #showPage(page: ReplyPage) {
    this.#remember(page.items);
    this.replies = page.items;
    this.nextCursor = page.nextCursor;
    this.prevCursor = page.prevCursor;
    this.total = page.total;
    const shown = new Set(page.items.map((r) => r.id));
    this.waiting = this.waiting.filter((id) => !shown.has(id));
  }

  /** The first page: the one holding the linked reply (`#reply-ID`), or the start of the thread. */
  async #firstPage(anchor: string | null): Promise<{ page: ReplyPage; anchored: boolean }> {
    const api = this.#jc.api;
    if (anchor) {
      try {
        return { page: await api.listReplies(this.topic, { limit: this.#limit, anchor }), anchored: true };
      } catch (err) {
        const error = toApiError(err);
        // A link to a reply of another topic (or a deleted one): open the thread at its start.
        if (error.status !== 404 && error.status !== 400) throw error;
      }
    }
    return { page: await api.listReplies(this.topic, { limit: this.#limit }), anchored: false };
  }

  async #load() {
    const generation = ++this.#generation;
    this.status = 'loading';
    this.#reset();
    this.outbox = this.#readOutbox();
    if (!this.topic) {
      this.status = 'ready';
      return;
    }
    const anchor = hashReplyId();
    try {
      const [topic, first] = await Promise.allSettled([this.#jc.api.getTopic(this.topic), this.#firstPage(anchor)]);
      if (generation !== this.#generation) return;
      if (topic.status === 'rejected') throw topic.reason;
      if (first.status === 'rejected') throw first.reason;
      this.info = topic.value;
      this.#showPage(first.value.page);
      this.status = 'ready';
      void this.#loadCommunity(generation);
      if (anchor && first.value.anchored) void this.#reveal(anchor);
    } catch (err) {
      if (generation !== this.#generation) return;
      this.loadError = this.#failed(err);
      this.status = 'error';
    }
  }

  /** The community (is the user a member?) and, for moderators, its forums (to move the topic to). */
  async #loadCommunity(generation = this.#generation) {
    const info = this.info;
    if (!info) return;
    const api = this.#jc.api;
    const [community, forums] = await Promise.allSettled([
      api.getCommunity(info.communitySlug),
      info.canModerate ? api.listForums(info.communitySlug) : Promise.resolve(null),
    ]);
    if (generation !== this.#generation) return;
    if (community.status === 'fulfilled') this.community = community.value;
    else this.#failed(community.reason);
    if (forums.status === 'fulfilled' && forums.value) this.forums = forums.value;
  }

  async #loadPage(direction: 'next' | 'prev'): Promise<void> {
    if (this.#pageLoad) return this.#pageLoad;
    const cursor = direction === 'next' ? this.nextCursor : this.prevCursor;
    if (!cursor || this.status !== 'ready') return;
    const generation = this.#generation;
    if (direction === 'next') this.loadingNext = true;
    else this.loadingPrev = true;
    this.pageError = null;
    this.#pageLoad = (async () => {
      try {
        const query = direction === 'next' ? { limit: this.#limit, cursor } : { limit: this.#limit, before: cursor };
        const page = await this.#jc.api.listReplies(this.topic, query);
        if (generation !== this.#generation) return;
        this.#remember(page.items);
        const known = new Set(this.replies.map((r) => r.id));
        const fresh = page.items.filter((r) => !known.has(r.id));
        if (direction === 'next') {
          this.replies = [...this.replies, ...fresh];
          this.nextCursor = page.nextCursor;
        } else {
          this.replies = [...fresh, ...this.replies];
          this.prevCursor = page.prevCursor;
        }
        this.total = page.total;
        const shown = new Set(fresh.map((r) => r.id));
        this.waiting = this.waiting.filter((id) => !shown.has(id));
      } catch (err) {
        if (generation !== this.#generation) return;
        this.pageError = { direction, error: this.#failed(err) };
      } finally {
        if (generation === this.#generation) {
          this.loadingNext = false;
          this.loadingPrev = false;
        }
      }
    })().finally(() => (this.#pageLoad = null));
    await this.#pageLoad;
    await this.updateComplete;
  }

  /*
   * ---------- scrolling: the next page loads as the reader nears the end ----------
   * Earlier pages (a thread opened at a linked reply) load with the "Load
   * earlier replies" button only: added above what is read, they would move it.
   */

  #thread(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.thread');
  }

  #observeSentinels() {
    const sentinels = [...this.renderRoot.querySelectorAll('.sentinel')];
    if (sentinels.length === this.#observed.length && sentinels.every((s, i) => s === this.#observed[i])) return;
    if (!this.#observer && typeof IntersectionObserver !== 'undefined') {
      this.#observer = new IntersectionObserver(
        (entries) => {
          for (const entry of entries) {
            if (!entry.isIntersecting) continue;
            void this.#autoLoad();
          }
        },
        { rootMargin: '400px 0px' },
      );
    }
    for (const s of this.#observed) this.#observer?.unobserve(s);
    this.#observed = sentinels;
    for (const s of sentinels) void this.#watch(s);
  }

  /** Observes a sentinel once the virtualizer has measured the replies (before that, the list's height is a guess). */
  async #watch(sentinel: Element) {
    await layoutComplete(this.#thread());
    if (!this.#observed.includes(sentinel) || !this.#observer) return;
    // Observing again gives a fresh first answer (the sentinel may still be in view after a page).
    this.#observer.unobserve(sentinel);
    this.#observer.observe(sentinel);
  }

  #composing(): boolean {
    const active = (this.renderRoot as ShadowRoot).activeElement;
    return Boolean(active?.closest('.composer'));
  }

  async #autoLoad() {
    if (this.#pageLoad || this.pageError || this.status !== 'ready' || this.#revealing || !this.nextCursor) return;
    // While the user writes a reply, the composer does not run away from them.
    if (this.#composing()) return;
    await this.#loadPage('next');
    const sentinel = this.renderRoot.querySelector('.sentinel');
    if (sentinel) await this.#watch(sentinel);
  }

  #onComposerFocusOut = () => {
    // Writing is over: look again whether the end of the list is in view.
    const sentinel = this.renderRoot.querySelector('.sentinel');
    if (sentinel) void this.#watch(sentinel);
  };

  async #onMoreClick(direction: 'next' | 'prev') {
    const before = this.replies.length;
    const firstId = this.replies[0]?.id;
    await this.#loadPage(direction);
    if (this.pageError) return;
    const count = this.replies.length - before;
    if (count <= 0) return;
    const target = direction === 'next' ? this.replies[before] : this.replies[0];
    if (direction === 'prev' && this.replies[0]?.id === firstId) return;
    void this.#announcer.say(
      direction === 'next'
        ? count === 1
          ? msg('1 more reply shown.')
          : msg(str`${formatNumber(count)} more replies shown.`)
        : count === 1
          ? msg('1 earlier reply shown.')
          : msg(str`${formatNumber(count)} earlier replies shown.`),
    );
    if (target) await this.#focusReply(target.id);
  }

  /* ---------- deep links ---------- */

  #revealing = false;

  #onHashChange = () => {
    const id = hashReplyId();
    if (id && this.status === 'ready' && this.info) void this.#goToReply(id, true);
  };

  /** Scrolls to a loaded reply and focuses it. */
  async #reveal(id: string): Promise<boolean> {
    this.#revealing = true;
    try {
      await this.updateComplete;
      await layoutComplete(this.#thread(), 150);
      const index = this.replies.findIndex((r) => r.id === id);
      if (index < 0) return false;
      const found = await revealVirtualItem(this.#thread(), index, () => this.#article(id), { always: true, block: 'start' });
      return Boolean(found);
    } finally {
      this.#revealing = false;
    }
  }

  /** Shows a reply: at once if its page is loaded, else after loading the page that holds it (`anchor`). */
  async #goToReply(id: string, quiet: boolean): Promise<boolean> {
    if (this.replies.some((r) => r.id === id)) return this.#reveal(id);
    if (!this.info) return false;
    const generation = this.#generation;
    try {
      const page = await this.#jc.api.listReplies(this.topic, { limit: this.#limit, anchor: id });
      if (generation !== this.#generation) return false;
      this.#showPage(page);
      return await this.#reveal(id);
    } catch (err) {
      const error = this.#failed(err);
      if (!quiet) void this.#announcer.say(error.status === 404 ? msg('That reply is no longer in this topic.') : errorText(error));
      return false;
    }
  }

  #article(id: string): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>(`article[data-id="${CSS.escape(id)}"]`);
  }

  /** Scrolls a reply into the DOM (it may be virtualized away) and focuses it, or something inside it. */
  async #focusReply(id: string, selector = '') {
    await this.updateComplete;
    const index = this.replies.findIndex((r) => r.id === id);
    if (index < 0) return;
    const find = () => this.renderRoot.querySelector<HTMLElement>(`article[data-id="${CSS.escape(id)}"]${selector ? ` ${selector}` : ''}`);
    await revealVirtualItem(this.#thread(), index, find);
  }

  #onThreadKeydown = (event: KeyboardEvent) => {
    const next = feedKeyTarget(event, (id) => this.replies.findIndex((r) => r.id === id), this.replies.length);
    if (next !== null) void this.#focusReply(this.replies[next]!.id);
  };

  #onRangeChanged = () => {
    // The virtualizer renders the new range in its own listener, after this one.
    void Promise.resolve().then(() => {
      syncFeedBusy(this.#thread(), this.loadingNext || this.loadingPrev);
      this.#focusKeeper.restore();
    });
  };

  /** Focus stays on a reply (or its button) when the virtualizer renders it anew. */
  get #focusKeeper(): FocusKeeper {
    this.#keeper ??= new FocusKeeper(this.renderRoot as ShadowRoot, () => this.#thread());
    return this.#keeper;
  }

  /* ---------- live ---------- */

  #known(id: string): boolean {
    return this.replies.some((r) => r.id === id) || this.waiting.includes(id);
  }

  #onLive(event: LiveEvent) {
    if (this.status !== 'ready' || !this.info || this.topicDeleted) return;
    if (event.type === 'membership.changed' || event.type === 'community.updated') {
      // Joined, left, promoted, archived: who may reply or moderate may have changed.
      this.#scheduleTopicRefresh(true);
      return;
    }
    if (!THREAD_EVENTS.has(event.type) || event.payload.topicId !== this.info.id) return;
    const replyId = typeof event.payload.replyId === 'string' ? event.payload.replyId : null;
    switch (event.type) {
      case 'topic.deleted':
        this.#topicGone();
        return;
      case 'topic.updated':
        this.#scheduleTopicRefresh(event.payload.change === 'lock' || event.payload.change === 'move');
        return;
      case 'reply.created':
        if (!replyId || this.#known(replyId)) return;
        void this.#fetchNew(replyId);
        return;
      case 'reply.updated': {
        if (!replyId) return;
        const likeCount = event.payload.likeCount;
        if (typeof likeCount === 'number') this.#patchReply(replyId, { likeCount });
        this.#scheduleReplyRefresh(replyId);
        return;
      }
      case 'reply.deleted':
        if (!replyId) return;
        this.waiting = this.waiting.filter((id) => id !== replyId);
        this.#tombstone(replyId);
        this.#scheduleTopicRefresh(false);
        return;
    }
  }

  #topicGone() {
    this.topicDeleted = true;
    this.panel = null;
    this.#closeFlag(false);
    this.#resetReplies();
    void this.#announcer.say(msg('This topic was deleted.'));
  }

  #scheduleTopicRefresh(withCommunity: boolean) {
    clearTimeout(this.#topicTimer);
    this.#topicTimer = setTimeout(() => void this.#refreshTopic(withCommunity), 150);
  }

  async #refreshTopic(withCommunity = false) {
    const generation = this.#generation;
    const before = this.info;
    try {
      const topic = await this.#jc.api.getTopic(this.topic);
      if (generation !== this.#generation || this.topicDeleted) return;
      const hadComposer = this.#composing();
      this.info = topic;
      if (before && before.locked !== topic.locked) {
        void this.#announcer.say(topic.locked ? msg('This topic was locked.') : msg('This topic was unlocked.'));
        if (hadComposer && !topic.canReply) this.#focusAfterRender = '.locked-note';
      }
      if (withCommunity || (before && before.canModerate !== topic.canModerate)) void this.#loadCommunity(generation);
    } catch (err) {
      const error = this.#failed(err);
      if (generation === this.#generation && error.status === 404) this.#topicGone();
    }
  }

  #scheduleReplyRefresh(id: string) {
    if (!this.replies.some((r) => r.id === id)) return;
    clearTimeout(this.#replyTimers.get(id));
    this.#replyTimers.set(
      id,
      setTimeout(() => {
        this.#replyTimers.delete(id);
        void this.#refreshReply(id);
      }, 150),
    );
  }

  async #refreshReply(id: string) {
    const generation = this.#generation;
    try {
      const reply = await this.#jc.api.getReply(id);
      if (generation !== this.#generation) return;
      this.#remember([reply]);
      this.replies = this.replies.map((r) => (r.id === id ? reply : r));
    } catch (err) {
      const error = this.#failed(err);
      if (error.status === 404) this.#tombstone(id);
    }
  }

  #patchReply(id: string, patch: Partial<Reply>) {
    if (!this.replies.some((r) => r.id === id)) return;
    this.replies = this.replies.map((r) => (r.id === id ? { ...r, ...patch } : r));
  }

  #tombstone(id: string) {
    this.#patchReply(id, { deleted: true, body: '', author: null, quote: null, canEdit: false, canDelete: false, liked: false });
    if (this.panel?.target === id) this.panel = null;
    if (this.replyTo?.id === id) this.replyTo = null;
    if (this.quoting?.id === id) this.quoting = null;
  }

  /** Where a reply goes in the loaded part of the thread; false when its place is on a page not loaded. */
  #place(reply: Reply): boolean {
    const list = this.replies;
    const at = list.findIndex((r) => r.id === reply.id);
    if (at >= 0) {
      this.replies = list.map((r) => (r.id === reply.id ? reply : r));
      return true;
    }
    this.#remember([reply]);
    if (reply.parentId) {
      const parent = list.findIndex((r) => r.id === reply.parentId);
      if (parent < 0) return false;
      let end = parent + 1;
      while (end < list.length && list[end]!.parentId === reply.parentId) end++;
      if (end === list.length && this.nextCursor) return false;
      this.replies = [...list.slice(0, end), reply, ...list.slice(end)];
    } else {
      if (this.nextCursor) return false;
      this.replies = [...list, reply];
    }
    this.total += 1;
    if (this.info) this.info = { ...this.info, replyCount: this.info.replyCount + 1 };
    return true;
  }

  async #fetchNew(id: string) {
    const generation = this.#generation;
    let reply: Reply;
    try {
      reply = await this.#jc.api.getReply(id);
    } catch (err) {
      this.#failed(err);
      return;
    }
    if (generation !== this.#generation || this.#known(reply.id)) return;
    // Written here (the answer to sending it is late, or was lost): it is sent.
    if (reply.clientId && this.outbox.some((o) => o.clientId === reply.clientId)) {
      void this.#sent(reply, reply.clientId);
      return;
    }
    if (this.#place(reply)) {
      const name = reply.author?.name ?? msg('Someone');
      void this.#announcer.say(msg(str`New reply from ${name}.`));
      this.#scheduleTopicRefresh(false);
      return;
    }
    this.waiting = [...this.waiting, reply.id];
    clearTimeout(this.#announceTimer);
    this.#announceTimer = setTimeout(() => {
      const n = this.waiting.length;
      if (n)
        void this.#announcer.say(
          n === 1
            ? msg('1 new reply. Use the “1 new reply” button at the end of the thread to show it.')
            : msg(str`${formatNumber(n)} new replies. Use the “${formatNumber(n)} new replies” button at the end of the thread to show them.`),
        );
    }, 400);
  }

  /** Shows the replies that arrived live past what is loaded: loads their page and focuses the first of them. */
  async showNewReplies(): Promise<void> {
    const first = this.waiting[0];
    if (!first) return;
    const n = this.waiting.length;
    const shown = await this.#goToReply(first, false);
    this.waiting = [];
    if (shown) void this.#announcer.say(n === 1 ? msg('1 new reply shown.') : msg(str`${formatNumber(n)} new replies shown.`));
  }

  /* ---------- composing ---------- */

  get #outboxKey(): string | null {
    const me = this.#me;
    if (!me || !this.topic) return null;
    return unsentReplyKey(this.#jc.api.baseUrl, me.id, this.topic);
  }

  #readOutbox(): OutboxItem[] {
    return readUnsent(this.#outboxKey, isUnsent).map((u) => ({ ...u, state: 'failed' as const, error: null }));
  }

  #saveOutbox() {
    writeUnsent<UnsentReply>(
      this.#outboxKey,
      this.outbox.map(({ state: _s, error: _e, ...u }) => u),
    );
  }

  #updateOutbox(clientId: string, patch: Partial<OutboxItem>) {
    this.outbox = this.outbox.map((o) => (o.clientId === clientId ? { ...o, ...patch } : o));
  }

  #startReply(reply: Reply) {
    this.replyTo = reply;
    this.composerError = null;
    void this.#editor.write(true);
  }

  #startQuote(reply: Reply) {
    this.quoting = reply;
    this.composerError = null;
    void this.#editor.write(true);
  }

  #onCompose(event: SubmitEvent) {
    event.preventDefault();
    const body = this.#editor.value;
    if (!body.trim()) {
      this.composerError = msg('Write something to reply.');
      void this.#editor.write(true);
      return;
    }
    const item: OutboxItem = {
      clientId: crypto.randomUUID(),
      topicId: this.topic,
      body,
      createdAt: new Date().toISOString(),
      state: 'sending',
      error: null,
    };
    if (this.replyTo) {
      item.parentId = this.replyTo.id;
      item.parentAuthor = this.replyTo.author?.name;
    }
    if (this.quoting) item.quote = { id: this.quoting.id, authorName: this.quoting.author?.name ?? '', excerpt: plainExcerpt(this.quoting.body) };
    this.outbox = [...this.outbox, item];
    this.#saveOutbox();
    this.#editor.clear();
    this.replyTo = null;
    this.quoting = null;
    this.composerError = null;
    void this.#send(item.clientId);
  }

  async #send(clientId: string) {
    const item = this.outbox.find((o) => o.clientId === clientId);
    if (!item) return;
    this.#updateOutbox(clientId, { state: 'sending', error: null });
    try {
      const { reply } = await this.#jc.api.createReply(item.topicId, {
        body: item.body,
        clientId,
        ...(item.parentId ? { parentId: item.parentId } : {}),
        ...(item.quote ? { quoteId: item.quote.id } : {}),
      });
      await this.#sent(reply, clientId);
    } catch (err) {
      const error = this.#failed(err);
      // The live event showed it was sent after all.
      if (!this.outbox.some((o) => o.clientId === clientId)) return;
      if (error.status === 400 && error.fields.body && !this.#editor.value.trim()) {
        // The text itself was refused: back into the composer, with the reason.
        this.outbox = this.outbox.filter((o) => o.clientId !== clientId);
        this.#saveOutbox();
        this.#editor.value = item.body;
        this.composerError = error.fields.body;
        void this.#editor.write(true);
        void this.#announcer.say(msg(str`Your reply was not sent: ${error.fields.body}`));
        return;
      }
      if (error.code === 'TOPIC_LOCKED') this.#scheduleTopicRefresh(false);
      const reason = isRetryable(error) ? null : error.fields.body ?? errorText(error);
      this.#updateOutbox(clientId, { state: 'failed', error: reason });
      void this.#announcer.say(reason ? msg(str`Your reply was not sent: ${reason}`) : msg('Your reply was not sent. It is kept here: use Retry to send it again.'));
    }
  }

  /** A reply written here is on the server: out of the outbox, into the thread (once, whichever news comes first). */
  async #sent(reply: Reply, clientId: string) {
    if (!this.outbox.some((o) => o.clientId === clientId)) {
      this.#place(reply);
      return;
    }
    const hadFocus = this.#focusIn(`[data-client-id="${clientId}"]`);
    this.outbox = this.outbox.filter((o) => o.clientId !== clientId);
    this.#saveOutbox();
    this.waiting = this.waiting.filter((id) => id !== reply.id);
    const placed = this.#place(reply);
    fire(this, 'jc-reply-created', { reply });
    void this.#announcer.say(msg('Your reply was posted.'));
    if (!placed) await this.#goToReply(reply.id, true);
    else if (hadFocus) await this.#focusReply(reply.id);
  }

  #focusIn(selector: string): boolean {
    const active = (this.renderRoot as ShadowRoot).activeElement;
    return Boolean(active && active.closest(selector));
  }

  #discard(clientId: string) {
    const index = this.outbox.findIndex((o) => o.clientId === clientId);
    this.outbox = this.outbox.filter((o) => o.clientId !== clientId);
    this.#saveOutbox();
    const next = this.outbox[index] ?? this.outbox[index - 1];
    this.#focusAfterRender = next ? `[data-client-id="${next.clientId}"] button` : '#jc-reply-body';
    void this.#announcer.say(msg('The unsent reply was discarded.'));
  }

  /* ---------- reply actions ---------- */

  async #toggleLike(reply: Reply) {
    const key = `like:${reply.id}`;
    if (this.busy.has(key)) return;
    const on = !reply.liked;
    this.#patchReply(reply.id, { liked: on, likeCount: Math.max(0, reply.likeCount + (on ? 1 : -1)) });
    this.#setBusy(key, true);
    this.#setReplyError(reply.id, null);
    try {
      const result = await this.#jc.api.setReplyLiked(reply.id, on);
      this.#patchReply(reply.id, { liked: result.liked, likeCount: result.likeCount });
    } catch (err) {
      const error = this.#failed(err);
      this.#patchReply(reply.id, { liked: reply.liked, likeCount: reply.likeCount });
      this.#setReplyError(reply.id, errorText(error));
    } finally {
      this.#setBusy(key, false);
    }
  }

  async #toggleAnswer(reply: Reply) {
    const info = this.info;
    if (!info) return;
    const key = `answer:${reply.id}`;
    if (this.busy.has(key)) return;
    const marking = info.answerReplyId !== reply.id;
    this.#setBusy(key, true);
    this.#setReplyError(reply.id, null);
    try {
      const topic = await this.#jc.api.setAnswer(info.id, marking ? reply.id : null);
      this.info = topic;
      fire(this, 'jc-topic-changed', { topic });
      void this.#announcer.say(marking ? msg('Marked as the accepted answer.') : msg('No longer the accepted answer.'));
    } catch (err) {
      this.#setReplyError(reply.id, errorText(this.#failed(err)));
    } finally {
      this.#setBusy(key, false);
    }
  }

  async #copyLink(event: MouseEvent, reply: Reply) {
    event.preventDefault();
    const url = `${location.href.split('#')[0]}#reply-${encodeURIComponent(reply.id)}`;
    try {
      await navigator.clipboard.writeText(url);
      void this.#announcer.say(msg('Link to the reply copied.'));
    } catch {
      void this.#announcer.say(msg(str`Could not copy the link. It is: ${url}`));
    }
  }

  #openPanel(target: string, kind: Panel['kind']) {
    this.panel = { target, kind };
    this.panelError = null;
    this.panelFields = {};
    if (target === 'topic') {
      if (kind === 'edit' && this.info) {
        this.#drafts.set('edit-title', this.info.title);
        this.#drafts.set('edit-topic', this.info.body);
        this.#drafts.set('edit-tags', this.info.tags.join(', '));
      }
      this.#focusAfterRender = kind === 'edit' ? '#jc-topic-title-input' : '.topic .confirm [data-cancel]';
      return;
    }
    const reply = this.replies.find((r) => r.id === target);
    if (kind === 'edit' && reply) this.#drafts.set(`edit:${target}`, reply.body);
    // Inside the virtualized list: wait for the reply to be rendered.
    void this.#focusReply(target, kind === 'edit' ? `#jc-edit-${CSS.escape(target)}` : '.confirm [data-cancel]');
  }

  #closePanel() {
    const panel = this.panel;
    this.panel = null;
    this.panelError = null;
    this.panelFields = {};
    if (!panel) return;
    if (panel.target === 'topic') this.#focusAfterRender = `.topic [data-action="${panel.kind}-topic"]`;
    else void this.#focusReply(panel.target, `[data-action="${panel.kind}"]`);
  }

  /** Escape closes an edit or delete box, back to its button. */
  #onPanelKey = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    this.#closePanel();
  };

  async #onEditReply(event: SubmitEvent, reply: Reply) {
    event.preventDefault();
    const key = `edit:${reply.id}`;
    if (this.busy.has(key)) return;
    const body = (event.target as HTMLFormElement).querySelector('textarea')!.value;
    if (!body.trim()) {
      this.panelError = msg('A reply cannot be empty. Delete it instead.');
      return;
    }
    this.#setBusy(key, true);
    this.panelError = null;
    try {
      const updated = await this.#jc.api.editReply(reply.id, body);
      this.replies = this.replies.map((r) => (r.id === updated.id ? updated : r));
      this.#drafts.delete(key);
      this.#closePanel();
      void this.#announcer.say(msg('Your reply was updated.'));
    } catch (err) {
      const error = this.#failed(err);
      this.panelError = error.fields.body ?? errorText(error);
    } finally {
      this.#setBusy(key, false);
    }
  }

  async #onDeleteReply(reply: Reply) {
    const key = `delete:${reply.id}`;
    if (this.busy.has(key)) return;
    this.#setBusy(key, true);
    this.panelError = null;
    try {
      await this.#jc.api.deleteReply(reply.id);
      this.panel = null;
      this.#tombstone(reply.id);
      void this.#announcer.say(msg('The reply was deleted.'));
      await this.#focusReply(reply.id);
    } catch (err) {
      const error = this.#failed(err);
      this.panelError = errorText(error);
    } finally {
      this.#setBusy(key, false);
    }
  }

  /* ---------- topic actions ---------- */

  /** One topic change (follow, pin, lock, move): the answer replaces the topic, and the host hears of it. */
  async #changeTopic(key: string, change: (id: string) => Promise<Topic>, done: (topic: Topic) => string) {
    const info = this.info;
    if (!info || this.busy.has(key)) return;
    this.#setBusy(key, true);
    this.topicError = null;
    try {
      const topic = await change(info.id);
      const before = this.info;
      this.info = topic;
      if (before?.canModerate !== topic.canModerate) void this.#loadCommunity();
      fire(this, 'jc-topic-changed', { topic });
      void this.#announcer.say(done(topic));
    } catch (err) {
      const error = this.#failed(err);
      this.topicError = errorText(error);
    } finally {
      this.#setBusy(key, false);
    }
  }

  #toggleFollow() {
    const on = !this.info?.following;
    void this.#changeTopic('follow', (id) => this.#jc.api.setTopicFollowing(id, on), (t) =>
      t.following ? msg('You follow this topic: you will hear of new replies.') : msg('You no longer follow this topic.'),
    );
  }

  #togglePin() {
    const on = !this.info?.pinned;
    void this.#changeTopic('pin', (id) => this.#jc.api.setTopicPinned(id, on), (t) => (t.pinned ? msg('The topic is pinned.') : msg('The topic is unpinned.')));
  }

  #toggleLock() {
    const on = !this.info?.locked;
    void this.#changeTopic('lock', (id) => this.#jc.api.setTopicLocked(id, on), (t) =>
      t.locked ? msg('The topic is locked: only moderators can reply.') : msg('The topic is unlocked.'),
    );
  }

  #onMove(event: SubmitEvent) {
    event.preventDefault();
    const forumId = this.moveTo;
    const forum = this.forums?.find((f) => f.id === forumId);
    if (!forum) {
      this.topicError = msg('Choose a forum to move the topic to.');
      this.#focusAfterRender = '#jc-move-forum';
      return;
    }
    void this.#changeTopic('move', (id) => this.#jc.api.moveTopic(id, forumId), (t) => {
      this.moveTo = '';
      return msg(str`The topic was moved to ${t.forumName}.`);
    });
  }

  async #onEditTopic(event: SubmitEvent) {
    event.preventDefault();
    const info = this.info;
    if (!info || this.busy.has('edit-topic')) return;
    const title = (this.#drafts.get('edit-title') ?? info.title).trim();
    const body = this.#drafts.get('edit-topic') ?? info.body;
    const tags = (this.#drafts.get('edit-tags') ?? info.tags.join(', '))
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean);
    const fields: Record<string, string> = {};
    if (!title) fields.title = msg('A topic needs a title.');
    if (!body.trim()) fields.body = msg('A topic cannot be empty.');
    if (Object.keys(fields).length) {
      this.panelFields = fields;
      this.#focusAfterRender = fields.title ? '#jc-topic-title-input' : '#jc-topic-body-input';
      return;
    }
    this.#setBusy('edit-topic', true);
    this.panelError = null;
    this.panelFields = {};
    try {
      const topic = await this.#jc.api.editTopic(info.id, { title, body, tags });
      this.info = topic;
      this.#closePanel();
      fire(this, 'jc-topic-changed', { topic });
      void this.#announcer.say(msg('The topic was updated.'));
    } catch (err) {
      const error = this.#failed(err);
      this.panelFields = error.fields;
      this.panelError = Object.keys(error.fields).length ? null : errorText(error);
    } finally {
      this.#setBusy('edit-topic', false);
    }
  }

  async #onDeleteTopic() {
    const info = this.info;
    if (!info || this.busy.has('delete-topic')) return;
    this.#setBusy('delete-topic', true);
    this.panelError = null;
    try {
      await this.#jc.api.deleteTopic(info.id);
      fire(this, 'jc-topic-changed', { topic: info, deleted: true });
      this.#topicGone();
      this.#focusAfterRender = '#jc-thread-title';
    } catch (err) {
      const error = this.#failed(err);
      this.panelError = errorText(error);
    } finally {
      this.#setBusy('delete-topic', false);
    }
  }

  /* ---------- flagging ---------- */

  #openFlag(target: FlagTarget, opener: HTMLElement) {
    this.flagTarget = target;
    this.flagReason = null;
    this.flagError = null;
    this.flagNoteError = null;
    this.#flagReturn = opener;
    this.#drafts.delete('flag-note');
    void this.updateComplete.then(() => {
      const dialog = this.renderRoot.querySelector<HTMLDialogElement>('dialog.flag');
      if (dialog && !dialog.open) dialog.showModal();
      this.renderRoot.querySelector<HTMLInputElement>('dialog.flag input[type="radio"]')?.focus();
    });
  }

  #closeFlag(restoreFocus = true) {
    const dialog = this.renderRoot?.querySelector<HTMLDialogElement>('dialog.flag');
    if (dialog?.open) dialog.close();
    const target = this.flagTarget;
    this.flagTarget = null;
    this.flagError = null;
    this.flagNoteError = null;
    const opener = this.#flagReturn;
    this.#flagReturn = null;
    if (!restoreFocus || !target) return;
    if (opener?.isConnected) opener.focus();
    else if (target.kind === 'reply') void this.#focusReply(target.id, '[data-action="flag"]');
    else this.#focusAfterRender = '.topic [data-action="flag-topic"]';
  }

  #reasonLabel(reason: FlagReason): string {
    switch (reason) {
      case 'sensitive-information':
        return msg('Contains personal or criminal-justice information that should not be shared');
      case 'off-topic':
        return msg('Off topic');
      case 'abusive':
        return msg('Abusive or harassing');
      case 'spam':
        return msg('Spam or advertising');
      case 'other':
        return msg('Something else');
    }
  }

  async #onFlag(event: SubmitEvent) {
    event.preventDefault();
    const target = this.flagTarget;
    if (!target || this.busy.has('flag')) return;
    const reason = this.flagReason;
    const note = (this.#drafts.get('flag-note') ?? '').trim();
    this.flagError = null;
    this.flagNoteError = null;
    if (!reason) {
      this.flagError = msg('Choose why you are flagging it.');
      this.#focusAfterRender = 'dialog.flag input[type="radio"]';
      return;
    }
    if (reason === 'other' && !note) {
      this.flagNoteError = msg('Say what is wrong: a note is needed for “Something else”.');
      this.#focusAfterRender = '#jc-flag-note';
      return;
    }
    this.#setBusy('flag', true);
    try {
      if (target.kind === 'topic') await this.#jc.api.flagTopic(target.id, reason, note || undefined);
      else await this.#jc.api.flagReply(target.id, reason, note || undefined);
      this.#closeFlag();
      void this.#announcer.say(
        target.kind === 'topic'
          ? msg('Thank you. The topic was flagged to the community’s moderators.')
          : msg('Thank you. The reply was flagged to the community’s moderators.'),
      );
    } catch (err) {
      const error = this.#failed(err);
      if (error.fields.note) {
        this.flagNoteError = error.fields.note;
        this.#focusAfterRender = '#jc-flag-note';
      } else this.flagError = errorText(error);
    } finally {
      this.#setBusy('flag', false);
    }
  }

  async #onOptIn() {
    this.optingIn = true;
    try {
      await this.#jc.session.update({ optedIn: true });
      if (this.status !== 'loading') this.reload();
      this.#focusAfterRender = '#jc-thread-title';
      void this.#announcer.say(msg('You opted in to JusticeConnect.'));
    } catch (err) {
      this.loadError = this.#failed(err);
    } finally {
      this.optingIn = false;
    }
  }

  /* ---------- rendering ---------- */

  /** May like replies: an active member (a locked topic can still be liked). */
  get #member(): boolean {
    return this.community?.membership?.state === 'active' || Boolean(this.info?.canReply);
  }

  #time(iso: string, id?: string) {
    return renderTime(iso, this.now, this.#locale, id);
  }

  #count(n: number): string {
    return n === 1 ? msg('1 reply') : msg(str`${formatNumber(n)} replies`);
  }

  #renderBadges(topic: Topic) {
    const badges: [string, string, string][] = [];
    if (topic.pinned) badges.push(['pinned', '📌', msg('Pinned')]);
    if (topic.locked) badges.push(['locked', '🔒', msg('Locked')]);
    if (topic.question) badges.push(['question', '?', msg('Question')]);
    if (topic.answered) badges.push(['answered', '✓', msg('Answered')]);
    if (!badges.length) return nothing;
    return html`<ul class="badges" aria-label=${msg('Status')}>
      ${badges.map(([kind, icon, label]) => html`<li class="badge ${kind}" part="badge"><span aria-hidden="true">${icon}</span> ${label}</li>`)}
    </ul>`;
  }

  #renderTopicPanel(topic: Topic) {
    const panel = this.panel?.target === 'topic' ? this.panel : null;
    if (!panel) return nothing;
    const error = this.panelError ? html`<p class="error" part="error" role="alert">${this.panelError}</p>` : nothing;
    if (panel.kind === 'delete') {
      const busy = this.busy.has('delete-topic');
      return html`<div class="confirm" role="group" aria-labelledby="jc-delete-topic-q" @keydown=${this.#onPanelKey}>
        <p id="jc-delete-topic-q">${msg('Delete this topic and all its replies? This cannot be undone.')}</p>
        ${error}
        <div class="form-actions">
          <button part="button" type="button" class="danger" aria-disabled=${busy ? 'true' : 'false'} @click=${() => this.#onDeleteTopic()}>
            ${busy ? msg('Deleting…') : msg('Delete topic')}
          </button>
          <button part="button" type="button" class="secondary" data-cancel @click=${() => this.#closePanel()}>${msg('Cancel')}</button>
        </div>
      </div>`;
    }
    const busy = this.busy.has('edit-topic');
    const fields = this.panelFields;
    const fieldError = (name: string) =>
      fields[name] ? html`<p class="error" part="error" id=${`jc-topic-${name}-error`}>${fields[name]}</p>` : nothing;
    const draft = (key: string, fallback: string) => this.#drafts.get(key) ?? fallback;
    return html`<form class="inline-form" part="form" novalidate @keydown=${this.#onPanelKey} @submit=${this.#onEditTopic}>
      <label for="jc-topic-title-input">${msg('Title')}</label>
      <input
        id="jc-topic-title-input"
        part="input"
        type="text"
        maxlength="200"
        required
        aria-invalid=${fields.title ? 'true' : 'false'}
        aria-describedby=${fields.title ? 'jc-topic-title-error' : nothing}
        .value=${draft('edit-title', topic.title)}
        @input=${(e: Event) => this.#drafts.set('edit-title', (e.target as HTMLInputElement).value)}
      />
      ${fieldError('title')}
      <label for="jc-topic-body-input">${msg('Text')}</label>
      <textarea
        id="jc-topic-body-input"
        part="input"
        maxlength="20000"
        rows="6"
        aria-invalid=${fields.body ? 'true' : 'false'}
        aria-describedby=${fields.body ? 'jc-topic-body-error' : nothing}
        .value=${draft('edit-topic', topic.body)}
        @input=${(e: Event) => this.#drafts.set('edit-topic', (e.target as HTMLTextAreaElement).value)}
      ></textarea>
      ${fieldError('body')}
      <label for="jc-topic-tags-input">${msg('Tags')}</label>
      <span class="hint" id="jc-topic-tags-hint">${msg('Up to 5, separated by commas: lower-case letters, digits and hyphens.')}</span>
      <input
        id="jc-topic-tags-input"
        part="input"
        type="text"
        aria-invalid=${fields.tags ? 'true' : 'false'}
        aria-describedby=${fields.tags ? 'jc-topic-tags-hint jc-topic-tags-error' : 'jc-topic-tags-hint'}
        .value=${draft('edit-tags', topic.tags.join(', '))}
        @input=${(e: Event) => this.#drafts.set('edit-tags', (e.target as HTMLInputElement).value)}
      />
      ${fieldError('tags')} ${error}
      <div class="form-actions">
        <button part="button" type="submit" aria-disabled=${busy ? 'true' : 'false'}>${busy ? msg('Saving…') : msg('Save')}</button>
        <button part="button" type="button" class="secondary" @click=${() => this.#closePanel()}>${msg('Cancel')}</button>
      </div>
    </form>`;
  }

  #renderModeration(topic: Topic) {
    if (!topic.canModerate) return nothing;
    const others = (this.forums ?? []).filter((f) => f.id !== topic.forumId);
    return html`<div class="moderation" part="moderation" role="group" aria-labelledby="jc-moderation-label">
      <span class="group-label" id="jc-moderation-label">${msg('Moderator tools')}</span>
      <button part="button" type="button" class="small secondary" data-action="pin" aria-disabled=${this.busy.has('pin') ? 'true' : 'false'} @click=${() => this.#togglePin()}>
        ${topic.pinned ? msg('Unpin') : msg('Pin')}
      </button>
      <button part="button" type="button" class="small secondary" data-action="lock" aria-disabled=${this.busy.has('lock') ? 'true' : 'false'} @click=${() => this.#toggleLock()}>
        ${topic.locked ? msg('Unlock') : msg('Lock')}
      </button>
      ${others.length
        ? html`<form class="move" @submit=${this.#onMove}>
            <label for="jc-move-forum">${msg('Move to')}</label>
            <select id="jc-move-forum" part="input" .value=${this.moveTo} @change=${(e: Event) => (this.moveTo = (e.target as HTMLSelectElement).value)}>
              <option value="" ?selected=${this.moveTo === ''}>${msg('Choose a forum')}</option>
              ${others.map((f) => html`<option value=${f.id} ?selected=${this.moveTo === f.id}>${f.name}</option>`)}
            </select>
            <button part="button" type="submit" class="small secondary" aria-disabled=${this.busy.has('move') ? 'true' : 'false'}>${msg('Move')}</button>
          </form>`
        : nothing}
    </div>`;
  }

  #renderTopic(topic: Topic) {
    const me = this.#me;
    const answer = topic.answerReplyId;
    return html`<header class="topic" part="topic">
      <p class="forum muted">${msg(str`In ${topic.forumName}`)}</p>
      <h2 id="jc-thread-title" part="heading" tabindex="-1">${topic.title}</h2>
      ${this.#renderBadges(topic)}
      ${topic.tags.length
        ? html`<ul class="tags" aria-label=${msg('Tags')}>
            ${topic.tags.map((t) => html`<li class="tag" part="tag">${t}</li>`)}
          </ul>`
        : nothing}
      <p class="meta" part="meta">
        <strong class="name">${topic.author.name}</strong>
        ${topic.author.agency ? html`<span>${topic.author.agency}</span>` : nothing} ${this.#time(topic.createdAt)}
        ${topic.editedAt ? html`<span>${msg('Edited')}</span>` : nothing}
      </p>
      <div class="body" part="body">${markdown(topic.body)}</div>
      <div class="topic-actions actions" part="actions">
        <button
          part="button"
          type="button"
          class="small secondary toggle"
          data-action="follow"
          aria-pressed=${topic.following ? 'true' : 'false'}
          aria-disabled=${this.busy.has('follow') ? 'true' : 'false'}
          @click=${() => this.#toggleFollow()}
        >
          <span aria-hidden="true">${topic.following ? '✓' : '+'}</span> ${msg('Follow')}
        </button>
        ${answer
          ? html`<a class="jump" href=${`#reply-${encodeURIComponent(answer)}`} @click=${(e: MouseEvent) => this.#onJump(e, answer)}>${msg('Jump to the accepted answer')}</a>`
          : nothing}
        ${topic.canEdit
          ? html`<button part="button" type="button" class="small secondary" data-action="edit-topic" @click=${() => this.#openPanel('topic', 'edit')}>${msg('Edit topic')}</button>`
          : nothing}
        ${topic.canDelete || topic.canModerate
          ? html`<button part="button" type="button" class="small secondary" data-action="delete-topic" @click=${() => this.#openPanel('topic', 'delete')}>
              ${msg('Delete topic')}
            </button>`
          : nothing}
        ${topic.author.id !== me?.id
          ? html`<button
              part="button"
              type="button"
              class="small secondary"
              data-action="flag-topic"
              aria-haspopup="dialog"
              @click=${(e: MouseEvent) => this.#openFlag({ kind: 'topic', id: topic.id, authorName: topic.author.name }, e.currentTarget as HTMLElement)}
            >
              ${msg('Flag topic')}
            </button>`
          : nothing}
      </div>
      ${this.topicError ? html`<p class="error" part="error" role="alert">${this.topicError}</p>` : nothing} ${this.#renderModeration(topic)}
      ${this.#renderTopicPanel(topic)}
    </header>`;
  }

  #onJump(event: MouseEvent, id: string) {
    // The same address again fires no hashchange: go there directly.
    if (location.hash === `#reply-${encodeURIComponent(id)}` || location.hash === `#reply-${id}`) {
      event.preventDefault();
      void this.#goToReply(id, false);
    }
  }

  #renderReplyPanel(reply: Reply) {
    const panel = this.panel?.target === reply.id ? this.panel : null;
    if (!panel) return nothing;
    const error = this.panelError ? html`<p class="error" part="error" role="alert">${this.panelError}</p>` : nothing;
    const busy = this.busy.has(`${panel.kind}:${reply.id}`);
    if (panel.kind === 'delete') {
      return html`<div class="confirm" role="group" aria-labelledby=${`jc-delete-q-${reply.id}`} @keydown=${this.#onPanelKey}>
        <p id=${`jc-delete-q-${reply.id}`}>${msg('Delete this reply? This cannot be undone.')}</p>
        ${error}
        <div class="form-actions">
          <button part="button" type="button" class="danger" aria-disabled=${busy ? 'true' : 'false'} @click=${() => this.#onDeleteReply(reply)}>
            ${busy ? msg('Deleting…') : msg('Delete reply')}
          </button>
          <button part="button" type="button" class="secondary" data-cancel @click=${() => this.#closePanel()}>${msg('Cancel')}</button>
        </div>
      </div>`;
    }
    const key = `edit:${reply.id}`;
    const id = `jc-edit-${reply.id}`;
    return html`<form class="inline-form" part="form" @keydown=${this.#onPanelKey} @submit=${(e: SubmitEvent) => this.#onEditReply(e, reply)}>
      <label for=${id}>${msg('Edit your reply')}</label>
      <textarea
        id=${id}
        part="input"
        maxlength="20000"
        .value=${this.#drafts.get(key) ?? ''}
        @input=${(e: Event) => this.#drafts.set(key, (e.target as HTMLTextAreaElement).value)}
      ></textarea>
      ${error}
      <div class="form-actions">
        <button part="button" type="submit" aria-disabled=${busy ? 'true' : 'false'}>${busy ? msg('Saving…') : msg('Save')}</button>
        <button part="button" type="button" class="secondary" @click=${() => this.#closePanel()}>${msg('Cancel')}</button>
      </div>
    </form>`;
  }

  #renderQuote(quote: NonNullable<Reply['quote']>) {
    return html`<blockquote class="quote" part="quote">
      <p class="quote-author">${msg(str`${quote.authorName} wrote:`)}</p>
      <p>${quote.excerpt}</p>
    </blockquote>`;
  }

  #renderReplyTo(parentId: string | null | undefined, parentName?: string) {
    if (!parentId) return nothing;
    const name = parentName ?? this.#names.get(parentId);
    return html`<span class="reply-to"><span aria-hidden="true">↳</span> ${name ? msg(str`Replying to ${name}`) : msg('Replying to an earlier reply')}</span>`;
  }

  #renderReply(reply: Reply, index: number): TemplateResult {
    const info = this.info!;
    const nested = Boolean(reply.parentId);
    const posinset = this.prevCursor === null ? index + 1 : nothing;
    const setsize = this.total || -1;
    const id = reply.id;
    if (reply.deleted) {
      return html`<article
        class="reply deleted ${nested ? 'nested' : ''}"
        part="reply"
        id=${`reply-${id}`}
        data-id=${id}
        tabindex="-1"
        aria-posinset=${posinset}
        aria-setsize=${setsize}
        aria-label=${msg('Deleted reply')}
      >
        ${reply.parentId ? html`<p class="cue">${this.#renderReplyTo(reply.parentId)}</p>` : nothing}
        <p class="muted tombstone">${msg('This reply was deleted.')}</p>
      </article>`;
    }
    const isAnswer = info.answerReplyId === id;
    const me = this.#me;
    const author = reply.author;
    const likeBusy = this.busy.has(`like:${id}`);
    const error = this.replyErrors.get(id);
    const actionsLabel = author ? msg(str`Actions for ${author.name}’s reply`) : msg('Reply actions');
    const like = html`<span aria-hidden="true">👍</span> ${msg('Like')} <span class="count">${formatNumber(reply.likeCount)}</span>`;
    return html`<article
      class="reply ${nested ? 'nested' : ''} ${isAnswer ? 'answer' : ''}"
      part="reply"
      id=${`reply-${id}`}
      data-id=${id}
      tabindex="-1"
      aria-posinset=${posinset}
      aria-setsize=${setsize}
      aria-labelledby=${`jc-r-author-${id} jc-r-time-${id}`}
      aria-describedby=${nested || isAnswer ? `jc-r-cue-${id}` : nothing}
    >
      <header>
        <p class="cue" id=${`jc-r-cue-${id}`}>
          ${this.#renderReplyTo(reply.parentId)}
          ${isAnswer ? html`<span class="badge answer" part="badge"><span aria-hidden="true">✓</span> ${msg('Accepted answer')}</span>` : nothing}
        </p>
        <h4 class="author" id=${`jc-r-author-${id}`}>${author?.name ?? msg('Unknown')}</h4>
        <p class="meta" part="meta">
          ${author?.agency ? html`<span>${author.agency}</span>` : nothing} ${this.#time(reply.createdAt, `jc-r-time-${id}`)}
          ${reply.editedAt ? html`<span>${msg('Edited')}</span>` : nothing}
        </p>
      </header>
      ${reply.quote ? this.#renderQuote(reply.quote) : nothing}
      <div class="body" part="body">${markdown(reply.body)}</div>
      <div class="actions" part="actions" role="group" aria-label=${actionsLabel}>
        ${this.#member
          ? html`<button
              part="like button"
              type="button"
              class="like"
              data-action="like"
              aria-pressed=${reply.liked ? 'true' : 'false'}
              aria-disabled=${likeBusy ? 'true' : 'false'}
              @click=${() => this.#toggleLike(reply)}
            >
              ${like}
            </button>`
          : html`<span class="like static" part="like">${like}</span>`}
        ${info.canReply
          ? html`<button part="button" type="button" class="small secondary" data-action="reply" @click=${() => this.#startReply(reply)}>${msg('Reply')}</button>
              <button part="button" type="button" class="small secondary" data-action="quote" @click=${() => this.#startQuote(reply)}>${msg('Quote')}</button>`
          : nothing}
        ${info.canAnswer && info.question
          ? html`<button
              part="button"
              type="button"
              class="small secondary"
              data-action="answer"
              aria-disabled=${this.busy.has(`answer:${id}`) ? 'true' : 'false'}
              @click=${() => this.#toggleAnswer(reply)}
            >
              ${isAnswer ? msg('Unmark as answer') : msg('Mark as answer')}
            </button>`
          : nothing}
        ${reply.canEdit
          ? html`<button part="button" type="button" class="small secondary" data-action="edit" @click=${() => this.#openPanel(id, 'edit')}>${msg('Edit')}</button>`
          : nothing}
        ${reply.canDelete
          ? html`<button part="button" type="button" class="small secondary" data-action="delete" @click=${() => this.#openPanel(id, 'delete')}>${msg('Delete')}</button>`
          : nothing}
        ${author && author.id !== me?.id
          ? html`<button
              part="button"
              type="button"
              class="small secondary"
              data-action="flag"
              aria-haspopup="dialog"
              @click=${(e: MouseEvent) => this.#openFlag({ kind: 'reply', id, authorName: author.name }, e.currentTarget as HTMLElement)}
            >
              ${msg('Flag')}
            </button>`
          : nothing}
        <a class="permalink" href=${`#reply-${encodeURIComponent(id)}`} data-action="link" @click=${(e: MouseEvent) => this.#copyLink(e, reply)}>${msg('Copy link')}</a>
      </div>
      ${error ? html`<p class="error" part="error" role="alert">${error}</p>` : nothing} ${this.#renderReplyPanel(reply)}
    </article>`;
  }

  #renderOutbox() {
    if (!this.outbox.length) return nothing;
    const me = this.#me;
    return html`<ol class="outbox" aria-label=${msg('Your replies not yet sent')}>
      ${repeat(
        this.outbox,
        (o) => o.clientId,
        (o) => html`<li>
          <article class="reply unsent ${o.state} ${o.parentId ? 'nested' : ''}" part="reply" data-client-id=${o.clientId} aria-labelledby=${`jc-unsent-${o.clientId}`}>
            <header>
              <p class="cue">${this.#renderReplyTo(o.parentId, o.parentAuthor)}</p>
              <h4 class="author" id=${`jc-unsent-${o.clientId}`}>${me?.name ?? msg('You')}</h4>
              <p class="meta" part="meta">${me?.agency ? html`<span>${me.agency.name}</span>` : nothing} ${this.#time(o.createdAt)}</p>
            </header>
            ${o.quote ? this.#renderQuote(o.quote) : nothing}
            <div class="body" part="body">${markdown(o.body)}</div>
            ${o.state === 'sending'
              ? html`<p class="reply-status" part="reply-status">${msg('Sending…')}</p>`
              : html`<p class="reply-status failed" part="reply-status">
                    <strong>${msg('Not sent')}</strong>${o.error ? html`: ${o.error}` : html` — ${msg('your reply is kept here until it is sent.')}`}
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

  #renderComposer(topic: Topic) {
    if (!topic.canReply) {
      if (topic.locked)
        return html`<p class="note locked-note" part="note" tabindex="-1">
          <span aria-hidden="true">🔒</span> <strong>${msg('This topic is locked.')}</strong> ${msg('No new replies can be added.')}
        </p>`;
      const name = this.community?.name;
      return html`<p class="note muted" part="note">
        ${name ? msg(str`Only members of ${name} can reply.`) : msg('Only members of this community can reply.')}
      </p>`;
    }
    const replyTo = this.replyTo;
    const quoting = this.quoting;
    return html`<form class="composer" part="composer" novalidate @submit=${this.#onCompose} @focusout=${this.#onComposerFocusOut}>
      <h3 class="composer-title">${msg('Reply to this topic')}</h3>
      ${topic.locked
        ? html`<p class="note locked-note" part="note">
            <span aria-hidden="true">🔒</span> <strong>${msg('This topic is locked.')}</strong> ${msg('As a moderator you can still reply.')}
          </p>`
        : nothing}
      ${replyTo
        ? html`<p class="context" part="context">
            <span>${msg(str`Replying to ${replyTo.author?.name ?? msg('a reply')}`)}</span>
            <button part="button" type="button" class="small secondary" data-action="cancel-reply" @click=${() => this.#cancelContext('reply')}>${msg('Cancel reply')}</button>
          </p>`
        : nothing}
      ${quoting
        ? html`<div class="context quoting" part="context">
            <p>${msg(str`Quoting ${quoting.author?.name ?? ''}:`)}</p>
            <blockquote class="quote" part="quote"><p>${plainExcerpt(quoting.body)}</p></blockquote>
            <button part="button" type="button" class="small secondary" data-action="cancel-quote" @click=${() => this.#cancelContext('quote')}>${msg('Remove quote')}</button>
          </div>`
        : nothing}
      ${this.#editor.render({ label: msg('Your reply'), error: this.composerError, onInput: () => this.composerError && (this.composerError = null) })}
      <div class="form-actions">
        <button part="button" type="submit">${msg('Post reply')}</button>
      </div>
    </form>`;
  }

  #cancelContext(which: 'reply' | 'quote') {
    if (which === 'reply') this.replyTo = null;
    else this.quoting = null;
    this.#focusAfterRender = '#jc-reply-body';
    if (this.#editor.mode !== 'write') void this.#editor.write();
  }

  #renderThread(topic: Topic) {
    const n = this.waiting.length;
    let list: unknown;
    if (this.replies.length === 0) {
      list = html`<p class="empty">${topic.canReply ? msg('No replies yet — be the first.') : msg('No replies yet.')}</p>`;
    } else {
      const pageError = (direction: 'next' | 'prev') =>
        this.pageError?.direction === direction
          ? html`<p class="error more" part="error" role="alert">${errorText(this.pageError.error)}</p>`
          : nothing;
      list = html`${this.prevCursor
          ? html`<div class="more before">
              ${pageError('prev')}
              <button part="button" type="button" class="secondary" aria-disabled=${this.loadingPrev ? 'true' : 'false'} @click=${() => this.#onMoreClick('prev')}>
                ${this.loadingPrev ? msg('Loading earlier replies…') : msg('Load earlier replies')}
              </button>
            </div>`
          : nothing}
        <div
          class="thread"
          role="feed"
          part="thread"
          aria-labelledby="jc-replies-title"
          aria-busy="true"
          @keydown=${this.#onThreadKeydown}
          @rangeChanged=${this.#onRangeChanged}
          @focusin=${this.#focusKeeper.onFocusIn}
          @focusout=${this.#focusKeeper.onFocusOut}
        >
          ${virtualize({
            items: this.replies,
            // A range computed for a longer list may briefly outlive it: skip the gaps.
            keyFunction: (r: Reply | undefined, i: number) => r?.id ?? `gap-${i}`,
            renderItem: (r: Reply | undefined, i: number) => (r ? this.#renderReply(r, i) : html``),
          })}
        </div>
        <div class="sentinel" aria-hidden="true"></div>
        ${this.nextCursor
          ? html`<div class="more">
              ${pageError('next')}
              <button part="button" type="button" class="secondary" aria-disabled=${this.loadingNext ? 'true' : 'false'} @click=${() => this.#onMoreClick('next')}>
                ${this.loadingNext ? msg('Loading more replies…') : msg('Load more replies')}
              </button>
            </div>`
          : nothing}`;
    }
    return html`<section class="replies" aria-labelledby="jc-replies-title">
      <div class="replies-head">
        <h3 id="jc-replies-title" tabindex="-1">${this.#count(topic.replyCount)}</h3>
      </div>
      ${list} ${this.#renderOutbox()}
      ${n
        ? html`<div class="pill-bar">
            <button part="new-replies button" type="button" class="pill" @click=${() => this.showNewReplies()}>
              <span aria-hidden="true">↓</span> ${n === 1 ? msg('1 new reply') : msg(str`${formatNumber(n)} new replies`)}
            </button>
          </div>`
        : nothing}
    </section>`;
  }

  #renderFlagDialog() {
    const target = this.flagTarget;
    const busy = this.busy.has('flag');
    const other = this.flagReason === 'other';
    const title = !target
      ? ''
      : target.kind === 'topic'
        ? msg(str`Flag ${target.authorName}’s topic`)
        : msg(str`Flag ${target.authorName}’s reply`);
    const noteDescribed = ['jc-flag-note-hint', this.flagNoteError ? 'jc-flag-note-error' : ''].filter(Boolean).join(' ');
    return html`<dialog
      class="flag"
      part="dialog"
      aria-labelledby="jc-flag-title"
      aria-describedby="jc-flag-hint"
      @close=${() => this.flagTarget && this.#closeFlag()}
    >
      ${target
        ? html`<form class="flag-form" novalidate @submit=${this.#onFlag}>
            <h3 id="jc-flag-title">${title}</h3>
            <p class="hint" id="jc-flag-hint">${msg('Only the community’s owners and moderators see flags, and who sent them.')}</p>
            <fieldset aria-describedby=${this.flagError ? 'jc-flag-error' : nothing}>
              <legend>${msg('Why are you flagging it?')}</legend>
              ${FLAG_REASONS.map(
                (reason) => html`<div class="radio">
                  <input
                    type="radio"
                    name="reason"
                    id=${`jc-flag-${reason}`}
                    value=${reason}
                    .checked=${this.flagReason === reason}
                    @change=${() => {
                      this.flagReason = reason;
                      this.flagError = null;
                    }}
                  />
                  <label for=${`jc-flag-${reason}`}>${this.#reasonLabel(reason)}</label>
                </div>`,
              )}
            </fieldset>
            ${this.flagError ? html`<p class="error" part="error" id="jc-flag-error" role="alert">${this.flagError}</p>` : nothing}
            <label for="jc-flag-note">${other ? msg('Note (required)') : msg('Note (optional)')}</label>
            <span class="hint" id="jc-flag-note-hint">${msg('What should the moderators know? Needed for “Something else”.')}</span>
            <textarea
              id="jc-flag-note"
              part="input"
              maxlength="1000"
              rows="3"
              ?required=${other}
              aria-required=${other ? 'true' : 'false'}
              aria-invalid=${this.flagNoteError ? 'true' : 'false'}
              aria-describedby=${noteDescribed}
              .value=${this.#drafts.get('flag-note') ?? ''}
              @input=${(e: Event) => {
                this.#drafts.set('flag-note', (e.target as HTMLTextAreaElement).value);
                if (this.flagNoteError) this.flagNoteError = null;
              }}
            ></textarea>
            ${this.flagNoteError ? html`<p class="error" part="error" id="jc-flag-note-error" role="alert">${this.flagNoteError}</p>` : nothing}
            <div class="form-actions">
              <button part="button" type="submit" aria-disabled=${busy ? 'true' : 'false'}>${busy ? msg('Sending…') : msg('Send flag')}</button>
              <button part="button" type="button" class="secondary" @click=${() => this.#closeFlag()}>${msg('Cancel')}</button>
            </div>
          </form>`
        : nothing}
    </dialog>`;
  }

  #renderBody() {
    const signedOut = renderSessionState(this.#jc.session.state, () => void this.#jc.session.refresh(), msg('Sign in to JusticeConnect to read and join this discussion.'), this.#jc.session.idleTimeoutMinutes);
    if (signedOut) return signedOut;
    if (!this.topic) return html`<p class="error" part="error">${msg('No topic was given to show.')}</p>`;
    const error = this.status === 'error' ? this.loadError : null;
    const gate = renderAccountGate(error?.code, {
      optInText: msg('Opt in to JusticeConnect to read and join discussions with officers across agencies.'),
      optingIn: this.optingIn,
      onOptIn: () => void this.#onOptIn(),
    });
    if (gate) return gate;
    if (this.topicDeleted) return html`<p class="note" part="note">${msg('This topic was deleted.')}</p>`;
    if (error && error.status === 404) return html`<p>${msg('This topic is not available.')}</p>`;
    if (this.status === 'loading' || this.status === 'idle') return html`<p class="muted" part="status" role="status">${msg('Loading the topic…')}</p>`;
    if (error)
      return html`<p class="error" part="error" role="alert">${errorText(error)}</p>
        <button part="button" type="button" @click=${() => this.reload()}>${msg('Try again')}</button>`;
    const topic = this.info;
    if (!topic) return nothing;
    return html`${this.#renderTopic(topic)} ${this.#renderThread(topic)} ${this.#renderComposer(topic)} ${this.#renderFlagDialog()}`;
  }

  protected override render() {
    const titled = this.info && this.status === 'ready' && !this.topicDeleted;
    return html`<section class="panel" part="panel" aria-labelledby="jc-thread-title">
      ${titled ? nothing : html`<h2 id="jc-thread-title" part="heading" tabindex="-1">${msg('Forum topic')}</h2>`} ${this.#renderBody()}
      ${this.#announcer.render()}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'jc-forum-thread': JcForumThread;
  }
}
