import { msg, str } from '@lit/localize';
import { communityEndpoints } from '../api/communities.js';
import { forumEndpoints } from '../api/forums.js';
import { fire } from '../shared/events.js';
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ApiError } from '../api/client.js';
import type { LiveEvent } from '../api/events.js';
import { toApiError } from '../api/session.js';
import type { Community, Forum, Topic, TopicFilter, TopicListQuery, TopicPage, TopicSummary } from '../api/schemas.js';
import { JcController } from '../context.js';
import { LiveController } from '../live.js';
import { Announcer } from '../shared/announcer.js';
import { errorText, renderAccountGate, renderSessionState } from '../shared/account-states.js';
import { formatNumber } from '../shared/localization.js';
import { forumStyles } from './forum.styles.js';
import { NewTopicForm } from './new-topic.js';
import { parseTags } from './tags.js';
import { FILTERS, renderNotice, renderToolbar, renderTopic } from './topic-list.js';

/** Live events that change what the list shows (who may post included). */
const RELEVANT = /^(topic\.(created|updated|deleted)|forum\.(created|updated|deleted)|reply\.(created|deleted)|membership\.changed|community\.updated)$/;

export { parseTags };

/**
 * A community's forum: its topics, pinned first and then by recent activity,
 * with a forum chooser, filters (unanswered, answered, questions) and a tag
 * filter; each topic's badges (pinned, locked, question, answered), tags,
 * author and agency, reply count and last activity. Members start topics
 * (Markdown with a preview, tags, "This is a question"); others are told why
 * they cannot. The list follows the community live, without losing the
 * reader's place or an unsent topic.
 *
 * @element jc-forum
 * @attr theme - The widget's colour theme: `light`, `dark` or `high-contrast`. Without it the widget takes its `jc-provider`'s `theme`, or else follows the reader's system (`prefers-color-scheme`, and `prefers-contrast: more`). `--jc-*` custom properties set by the page win over any theme.
 * @fires jc-topic-select - A topic's title was clicked. `detail` is `{ topicId, title, communitySlug }`. Cancelable: call `preventDefault()` to stop the link's navigation (e.g. to route in a single-page app, or to show `jc-forum-thread` in place).
 * @fires jc-topic-created - The user started a topic. `detail.topic` is the new topic.
 * @csspart heading - The widget's heading.
 * @csspart panel - The box around the widget.
 * @csspart toolbar - The forum chooser, filters and the New topic button.
 * @csspart filter - One filter button (aria-pressed).
 * @csspart list - The list of topics.
 * @csspart topic - One topic.
 * @csspart link - A topic's title, linking to it.
 * @csspart badge - A topic's Pinned, Locked, Question or Answered label.
 * @csspart tag - A topic's tag (a button that filters by it), and the tag the list is filtered by.
 * @csspart meta - A topic's author, forum, replies and last activity.
 * @csspart form - The new-topic form.
 * @csspart input - The form's inputs, select and text area.
 * @csspart tab - The Write and Preview tabs.
 * @csspart preview - The Markdown preview.
 * @csspart button - Every button.
 * @csspart error - An error message.
 * @csspart status - Loading text, why the user cannot start a topic, and the announcement of each change.
 * @cssprop --jc-forum-max-width - The widget's largest width (48rem).
 * @cssprop --jc-color-surface - The background of the panel and its fields (light #ffffff, dark #1b1b1b, high contrast #ffffff).
 * @cssprop --jc-color-text - Text (light #1b1b1b, dark #f0f0f0, high contrast #000000).
 * @cssprop --jc-color-text-muted - Secondary text: author and date lines, hints, loading text (light #565c65, dark #c6cace, high contrast #2d2e2f).
 * @cssprop --jc-color-border - Borders of the panel, fields and dividers (light #8d9297, dark #8d9297, high contrast #000000).
 * @cssprop --jc-color-primary - Buttons, links and selected items (light #005ea2, dark #73b3e7, high contrast #0b4778).
 * @cssprop --jc-color-on-primary - Text on primary buttons (light #ffffff, dark #1b1b1b, high contrast #ffffff).
 * @cssprop --jc-color-focus - The focus outline's colour (light #0076d6, dark #58b4ff, high contrast #0050d8).
 * @cssprop --jc-color-danger - Error messages and fields in error (light #b50909, dark #f8a9a9, high contrast #8b0a03).
 * @cssprop --jc-color-danger-surface - Error messages' background (light #f4e3db, dark #3b1414, high contrast #fff3f2).
 * @cssprop --jc-color-success - The Answered badge, and the edge of the message that announces the result of an action (light #00a91c, dark #70e17b, high contrast #154c21).
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
@customElement('jc-forum')
export class JcForum extends LitElement {
  static override styles = forumStyles;

  /** The JusticeConnect server, when the widget is used without a `jc-provider`. */
  @property() api: string | undefined;

  /** The community (slug or id) whose forum to show. */
  @property({ reflect: true }) community = '';

  /** Only this forum's topics (its id); empty for all the community's forums. The chooser sets it. */
  @property({ reflect: true }) forum = '';

  /** `all`, `unanswered` (questions without an answer), `answered` or `questions`. The filter buttons set it. */
  @property({ reflect: true }) filter: TopicFilter = 'all';

  /** Only topics with this tag; empty for all. Clicking a tag sets it. */
  @property({ reflect: true }) tag = '';

  /** Where a topic's title links to: `{id}` (the topic's id) and `{community}` (the community's slug) are replaced, URL-encoded. */
  @property({ attribute: 'topic-href' }) topicHref = '#topic={id}';

  /** How many topics to load at a time (1–100). */
  @property({ type: Number, attribute: 'page-size' }) pageSize = 20;

  @state() private status: 'idle' | 'loading' | 'ready' | 'error' = 'idle';
  @state() private loadError: ApiError | null = null;
  @state() private info: Community | null = null;
  @state() private forums: Forum[] = [];
  /** The community is readable, but its forum only by members. */
  @state() private membersOnly = false;
  @state() private topicsStatus: 'loading' | 'ready' | 'error' = 'loading';
  @state() private topicsError: ApiError | null = null;
  @state() private topics: TopicSummary[] = [];
  @state() private nextCursor: string | null = null;
  @state() private loadingMore = false;
  @state() private moreError: ApiError | null = null;
  @state() private optingIn = false;
  @state() private now = Date.now();

  #jc = new JcController(this, communityEndpoints, forumEndpoints);
  #announcer = new Announcer(this);
  #form = new NewTopicForm(this, {
    create: (body) => this.#jc.api.createTopic(this.community, body),
    failed: (err) => this.#failed(err),
    focus: (selector) => (this.#focusAfterRender = selector),
    created: async (topic) => {
      fire(this, 'jc-topic-created', { topic });
      await this.#showCreated(topic);
    },
  });
  #liveTimer: ReturnType<typeof setTimeout> | undefined;
  #live = new LiveController(this, this.#jc, {
    topics: () => {
      if (!this.community || this.status === 'idle') return [];
      const topics = [`community:${this.community}`];
      if (this.info && this.info.id !== this.community) topics.push(`community:${this.info.id}`);
      return topics;
    },
    onEvent: (e) => this.#onLive(e),
    onResync: () => this.#scheduleRefresh(),
  });
  /** Who and which community the forum was loaded for; a change loads everything again. */
  #loadedFor: string | null = null;
  /** Which topics (forum, filter, tag, page size) the list holds; a change reloads only the list. */
  #topicsFor: string | null = null;
  /** Answers to older loads are dropped. */
  #generation = 0;
  #topicsGeneration = 0;
  #focusAfterRender: string | null = null;
  /** Topics that arrived live, by others, to announce once the list shows them. */
  #arrived = new Set<string>();
  #clock: ReturnType<typeof setInterval> | undefined;

  /** Loads the community, its forums and the topics again. */
  reload(): void {
    this.#loadedFor = this.#loadKey();
    this.#topicsFor = this.#topicsKey();
    void this.#load();
  }

  /** Loads the next page of topics (what "Load more topics" does); resolves when it is shown. */
  async loadMore(): Promise<void> {
    if (!this.nextCursor || this.loadingMore || this.topicsStatus !== 'ready') return;
    const generation = this.#topicsGeneration;
    this.loadingMore = true;
    this.moreError = null;
    try {
      const page = await this.#page(this.nextCursor);
      if (generation !== this.#topicsGeneration) return;
      const known = new Set(this.topics.map((t) => t.id));
      const fresh = page.items.filter((t) => !known.has(t.id));
      this.topics = [...this.topics, ...fresh];
      this.nextCursor = page.nextCursor;
      const first = fresh[0];
      if (first) this.#focusAfterRender = `a[data-id="${CSS.escape(first.id)}"]`;
      void this.#announcer.say(fresh.length === 1 ? msg('1 more topic shown.') : msg(str`${formatNumber(fresh.length)} more topics shown.`));
    } catch (err) {
      if (generation !== this.#topicsGeneration) return;
      this.moreError = this.#failed(err);
    } finally {
      if (generation === this.#topicsGeneration) this.loadingMore = false;
    }
    await this.updateComplete;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#clock = setInterval(() => (this.now = Date.now()), 30_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#clock);
    clearTimeout(this.#liveTimer);
  }

  #loadKey(): string | null {
    const s = this.#jc.session.state;
    if (s.status !== 'signed-in') return null;
    return [s.me.id, s.me.optedIn, s.me.status, this.community].join('|');
  }

  #topicsKey(): string {
    return [this.forum, this.filter, this.tag, this.pageSize].join('|');
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    const key = this.#loadKey();
    if (key !== this.#loadedFor) {
      this.#loadedFor = key;
      this.#topicsFor = this.#topicsKey();
      if (key) {
        void this.#load();
      } else {
        this.#generation++;
        this.#topicsGeneration++;
        this.#reset();
        this.status = 'idle';
        this.#form.reset();
        this.#announcer.clear();
      }
      return;
    }
    const topicsKey = this.#topicsKey();
    if (key && topicsKey !== this.#topicsFor) {
      this.#topicsFor = topicsKey;
      if (this.status === 'ready' && !this.membersOnly) void this.#loadTopics();
    }
  }

  protected override updated(_changed: PropertyValues<this>): void {
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
    this.forums = [];
    this.membersOnly = false;
    this.topics = [];
    this.nextCursor = null;
    this.topicsStatus = 'loading';
    this.topicsError = null;
    this.moreError = null;
    this.#form.error = null;
    this.#arrived.clear();
  }

  /** A failed request, as an ApiError: a lapsed session signs the widget out; anything else is for the caller to show. */
  #failed(err: unknown): ApiError {
    const error = toApiError(err);
    if (error.status === 401) void this.#jc.session.refresh();
    return error;
  }

  #query(cursor?: string, limit?: number): TopicListQuery {
    return {
      forum: this.forum || undefined,
      filter: FILTERS.includes(this.filter) && this.filter !== 'all' ? this.filter : undefined,
      tag: this.tag || undefined,
      limit: limit ?? this.#limit,
      cursor,
    };
  }

  /** A page's size: `page-size`, 1–100. */
  get #limit(): number {
    return Math.min(100, Math.max(1, Math.trunc(this.pageSize) || 20));
  }

  #page(cursor?: string, limit?: number): Promise<TopicPage> {
    return this.#jc.api.listTopics(this.community, this.#query(cursor, limit));
  }

  async #load() {
    const generation = ++this.#generation;
    const topicsGeneration = ++this.#topicsGeneration;
    this.status = 'loading';
    this.#reset();
    if (!this.community) {
      this.status = 'ready';
      return;
    }
    const api = this.#jc.api;
    try {
      const [info, forums, page] = await Promise.allSettled([api.getCommunity(this.community), api.listForums(this.community), this.#page()]);
      if (generation !== this.#generation) return;
      if (info.status === 'rejected') throw info.reason;
      this.info = info.value;
      const denied = [forums, page].find((r) => r.status === 'rejected');
      if (denied) {
        const error = toApiError(denied.reason);
        if (error.code !== 'MEMBERSHIP_REQUIRED') throw error;
        this.membersOnly = true;
      } else if (forums.status === 'fulfilled' && page.status === 'fulfilled') {
        this.forums = forums.value;
        this.topics = page.value.items;
        this.nextCursor = page.value.nextCursor;
        if (topicsGeneration === this.#topicsGeneration) this.topicsStatus = 'ready';
      }
      this.status = 'ready';
    } catch (err) {
      if (generation !== this.#generation) return;
      this.loadError = this.#failed(err);
      this.status = 'error';
    }
  }

  /** A fresh first page of topics, shown in place of the list. */
  #showTopics(page: TopicPage) {
    this.topics = page.items;
    this.nextCursor = page.nextCursor;
    this.topicsStatus = 'ready';
    this.topicsError = null;
  }

  /** The list alone, for a new forum, filter or tag. */
  async #loadTopics() {
    const generation = ++this.#topicsGeneration;
    this.topicsStatus = 'loading';
    this.topicsError = null;
    this.moreError = null;
    this.loadingMore = false;
    try {
      const page = await this.#page();
      if (generation !== this.#topicsGeneration) return;
      this.#showTopics(page);
      const n = page.items.length;
      void this.#announcer.say(n === 0 ? msg('No topics match.') : n === 1 ? msg('1 topic shown.') : msg(str`${formatNumber(n)} topics shown.`));
    } catch (err) {
      if (generation !== this.#topicsGeneration) return;
      this.topicsError = this.#failed(err);
      this.topicsStatus = 'error';
    }
  }

  /* ---------- live ---------- */

  #onLive(event: LiveEvent) {
    if (this.status !== 'ready' || !RELEVANT.test(event.type)) return;
    const topicId = typeof event.payload.topicId === 'string' ? event.payload.topicId : null;
    if (event.type === 'topic.created' && topicId && !this.topics.some((t) => t.id === topicId)) this.#arrived.add(topicId);
    this.#scheduleRefresh();
  }

  /** Refreshes once for a burst of events. */
  #scheduleRefresh() {
    if (!this.#loadedFor) return;
    clearTimeout(this.#liveTimer);
    this.#liveTimer = setTimeout(() => void this.#refresh(), 250);
  }

  /**
   * Reads the community, its forums and as many topics as are shown again,
   * in place: nothing goes back to "Loading", the form and what is typed into
   * it stay, and a topic that keeps its place keeps its DOM (and focus).
   */
  async #refresh() {
    if (this.status !== 'ready') return;
    const generation = this.#generation;
    const topicsGeneration = this.#topicsGeneration;
    const api = this.#jc.api;
    try {
      const info = await api.getCommunity(this.community);
      if (generation !== this.#generation) return;
      const wasMembersOnly = this.membersOnly;
      this.info = info;
      let forums: Forum[];
      try {
        forums = await api.listForums(this.community);
      } catch (err) {
        const error = toApiError(err);
        if (error.code !== 'MEMBERSHIP_REQUIRED') throw error;
        if (generation === this.#generation) this.membersOnly = true;
        return;
      }
      if (generation !== this.#generation) return;
      this.forums = forums;
      if (wasMembersOnly) {
        // Let in (joined, or accepted): show the forum as a fresh load would.
        this.reload();
        return;
      }
      if (this.topicsStatus !== 'ready' || this.loadingMore) return;
      const page = await this.#reread();
      if (topicsGeneration !== this.#topicsGeneration || generation !== this.#generation) return;
      const focusedId = this.#focusedTopicId();
      this.topics = page.items;
      this.nextCursor = page.nextCursor;
      if (focusedId && !page.items.some((t) => t.id === focusedId)) this.#focusAfterRender = '#jc-topics-title';
      this.#announceArrivals();
    } catch (err) {
      const error = this.#failed(err);
      // The community went away (archived, or the user lost access): say so as a load would.
      if (generation === this.#generation && error.status === 404) this.reload();
    }
  }

  /** As many topics from the top as the list shows now (at least a page), read again. */
  async #reread(): Promise<TopicPage> {
    const want = Math.max(this.topics.length, this.#limit);
    const items: TopicSummary[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    let next: string | null = null;
    let got = 0;
    do {
      const page = await this.#page(cursor, Math.min(100, want - items.length));
      for (const t of page.items) if (!seen.has(t.id)) (seen.add(t.id), items.push(t));
      got = page.items.length;
      next = page.nextCursor;
      cursor = next ?? undefined;
    } while (next && got > 0 && items.length < want);
    return { items, nextCursor: next };
  }

  #announceArrivals() {
    const me = this.#jc.session.me?.id;
    const shown = this.topics.filter((t) => this.#arrived.has(t.id) && t.author.id !== me);
    for (const t of this.topics) this.#arrived.delete(t.id);
    if (!shown.length) return;
    void this.#announcer.say(shown.length === 1 ? msg(str`New topic: ${shown[0]!.title}`) : msg(str`${formatNumber(shown.length)} new topics.`));
  }

  #focusedTopicId(): string | null {
    const active = (this.renderRoot as ShadowRoot).activeElement;
    const row = active?.closest<HTMLElement>('li[data-topic]');
    return row?.dataset.topic ?? null;
  }

  /* ---------- choosing what to show ---------- */

  #setTag = (tag: string) => {
    this.tag = tag;
    this.#focusAfterRender = tag ? '#jc-clear-tag' : '#jc-topics-title';
  };

  #clearFilters() {
    this.forum = '';
    this.filter = 'all';
    this.tag = '';
    this.#focusAfterRender = '#jc-topics-title';
  }

  #onSelect = (event: MouseEvent, t: TopicSummary) => {
    // Ctrl-, Cmd- and Shift-clicks open a new tab or window as usual.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const proceed = fire(this, 'jc-topic-select', { topicId: t.id, title: t.title, communitySlug: t.communitySlug }, true);
    if (!proceed) event.preventDefault();
  };

  /* ---------- a new topic ---------- */

  get #isMember(): boolean {
    return this.info?.membership?.state === 'active' && !this.info.archived;
  }

  /** Shows a topic the user just started: in the list (and focused) if the current filters include it. */
  async #showCreated(topic: Topic) {
    const generation = ++this.#topicsGeneration;
    try {
      const page = await this.#reread();
      if (generation !== this.#topicsGeneration) return;
      this.#showTopics(page);
    } catch (err) {
      this.#failed(err);
    }
    if (this.topics.some((t) => t.id === topic.id)) {
      this.#focusAfterRender = `a[data-id="${CSS.escape(topic.id)}"]`;
      void this.#announcer.say(msg(str`Your topic “${topic.title}” was posted.`));
    } else {
      this.#focusAfterRender = '#jc-new-topic';
      void this.#announcer.say(msg(str`Your topic “${topic.title}” was posted in ${topic.forumName}. The current filters do not show it.`));
    }
  }

  async #onOptIn() {
    this.optingIn = true;
    try {
      await this.#jc.session.update({ optedIn: true });
      if (this.status !== 'loading') this.reload();
      this.#focusAfterRender = '#jc-forum-title';
      void this.#announcer.say(msg('You opted in to JusticeConnect.'));
    } catch (err) {
      this.loadError = this.#failed(err);
    } finally {
      this.optingIn = false;
    }
  }

  /* ---------- rendering ---------- */

  #renderTopics() {
    if (this.topicsStatus === 'loading') return html`<p class="muted" part="status" role="status">${msg('Loading topics…')}</p>`;
    if (this.topicsStatus === 'error' && this.topicsError)
      return html`<p class="error" part="error" role="alert">${errorText(this.topicsError)}</p>
        <button part="button" type="button" @click=${() => this.#loadTopics()}>${msg('Try again')}</button>`;
    if (this.topics.length === 0) {
      const filtered = Boolean(this.forum || this.tag || (FILTERS.includes(this.filter) && this.filter !== 'all'));
      if (filtered)
        return html`<p class="empty">${msg('No topics match these filters.')}</p>
          <button part="button" type="button" class="secondary" @click=${() => this.#clearFilters()}>${msg('Show all topics')}</button>`;
      return html`<p class="empty">${msg('No topics yet.')}${this.#isMember && this.forums.length ? html` ${msg('Start the first one with “New topic”.')}` : nothing}</p>`;
    }
    return html`<ul class="topics" part="list" aria-labelledby="jc-topics-title">
        ${repeat(this.topics, (t) => t.id, (t) => renderTopic(this, t, this.now, this.#setTag, this.#onSelect))}
      </ul>
      ${this.moreError ? html`<p class="error more" part="error" role="alert">${errorText(this.moreError)}</p>` : nothing}
      ${this.nextCursor
        ? html`<div class="more">
            <button part="button" type="button" class="secondary" aria-disabled=${this.loadingMore ? 'true' : 'false'} @click=${() => this.loadMore()}>
              ${this.loadingMore ? msg('Loading more topics…') : msg('Load more topics')}
            </button>
          </div>`
        : nothing}`;
  }

  #renderBody() {
    const signedOut = renderSessionState(this.#jc.session.state, () => void this.#jc.session.refresh(), msg('Sign in to JusticeConnect to read and start forum topics.'), this.#jc.session.idleTimeoutMinutes);
    if (signedOut) return signedOut;
    if (!this.community) return html`<p class="error" part="error">${msg('No community was given to show.')}</p>`;
    const error = this.status === 'error' ? this.loadError : null;
    const gate = renderAccountGate(error?.code, {
      optInText: msg('Opt in to JusticeConnect to read and start forum topics with officers across agencies.'),
      optingIn: this.optingIn,
      onOptIn: () => void this.#onOptIn(),
    });
    if (gate) return gate;
    if (error && error.status === 404) return html`<p>${msg('This community is not available.')}</p>`;
    if (error)
      return html`<p class="error" part="error" role="alert">${errorText(error)}</p>
        <button part="button" type="button" @click=${() => this.reload()}>${msg('Try again')}</button>`;
    if (this.status !== 'ready') return html`<p class="muted" part="status" role="status">${msg('Loading the forum…')}</p>`;
    if (this.membersOnly) return html`<p>${msg('Only members see this community’s forum. Accept your invitation (or ask to join) to see it.')}</p>`;
    const canPost = this.#isMember && this.forums.length > 0;
    const form = this.#form;
    return html`${renderToolbar(this, this.forums, canPost, form.open, this.#setTag, () => form.toggle())}
      ${renderNotice(this.info, this.forums)} ${canPost && form.open ? form.render(this.forums, this.forum) : nothing}
      <h3 id="jc-topics-title" class="topics-title" tabindex="-1">${msg('Topics')}</h3>
      ${this.#renderTopics()}`;
  }

  #title(): string {
    if (this.info && this.status === 'ready') return msg(str`Forum of ${this.info.name}`);
    return msg('Community forum');
  }

  protected override render() {
    return html`<section class="panel" part="panel" aria-labelledby="jc-forum-title">
      <h2 id="jc-forum-title" part="heading" tabindex="-1">${this.#title()}</h2>
      ${this.#renderBody()}
      ${this.#announcer.render()}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'jc-forum': JcForum;
  }
}
