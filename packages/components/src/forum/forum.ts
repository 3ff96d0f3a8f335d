import { msg, str } from '@lit/localize';
import { fire } from '../shared/events.js';
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { ApiError } from '../api/client.js';
import type { LiveEvent } from '../api/events.js';
import { toApiError } from '../api/session.js';
import type { Community, Forum, Topic, TopicFilter, TopicListQuery, TopicPage, TopicSummary } from '../api/schemas.js';
import { JcController } from '../context.js';
import { LiveController } from '../live.js';
import { errorText, renderAccountGate, renderSessionState } from '../shared/account-states.js';
import { renderField, type FieldControl } from '../shared/form-field.js';
import { MarkdownEditor } from '../shared/markdown-editor.js';
import { formatNumber, intlLocale } from '../shared/localization.js';
import { renderTime } from '../shared/time.js';
import { isRetryable } from '../shared/unsent.js';
import { forumStyles } from './forum.styles.js';

const FILTERS: readonly TopicFilter[] = ['all', 'unanswered', 'answered', 'questions'];

/** The new-topic form's fields, as the API names them. */
const FORM_FIELDS = ['forumId', 'title', 'body', 'tags', 'question'] as const;
type FormField = (typeof FORM_FIELDS)[number];
const FIELD_IDS: Record<FormField, string> = {
  forumId: 'jc-topic-forum',
  title: 'jc-topic-title',
  body: 'jc-topic-body',
  tags: 'jc-topic-tags',
  question: 'jc-topic-question',
};

/** Live events that change what the list shows (who may post included). */
const RELEVANT = /^(topic\.(created|updated|deleted)|forum\.(created|updated|deleted)|reply\.(created|deleted)|membership\.changed|community\.updated)$/;

/** What the user has typed into the new-topic form, kept while the list refreshes around it. */
interface Draft {
  forumId: string;
  title: string;
  body: string;
  tags: string;
  question: boolean;
}

const emptyDraft = (): Draft => ({ forumId: '', title: '', body: '', tags: '', question: false });

/** "alpr, I-35 night-shift" → ['alpr', 'i-35', 'night-shift'] (the server checks each). */
export function parseTags(input: string): string[] {
  return [...new Set(input.split(/[\s,]+/).map((t) => t.replace(/^#/, '').trim().toLowerCase()).filter(Boolean))];
}

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
  @state() private formOpen = false;
  @state() private formBusy = false;
  @state() private formError: ApiError | null = null;
  @state() private announcement = '';
  @state() private optingIn = false;
  @state() private now = Date.now();

  #jc = new JcController(this);
  #editor = new MarkdownEditor(this, FIELD_IDS.body);
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
  #draft: Draft = emptyDraft();
  /** The idempotency key of the topic being sent: a retry after a lost answer cannot start it twice. */
  #clientId: string | null = null;
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
      void this.#announce(fresh.length === 1 ? msg('1 more topic shown.') : msg(str`${formatNumber(fresh.length)} more topics shown.`));
    } catch (err) {
      if (generation !== this.#topicsGeneration) return;
      const error = toApiError(err);
      this.#handleAuth(error);
      this.moreError = error;
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
    return [s.me.id, s.me.optedIn, s.me.status ?? '', this.community].join('|');
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
        this.formOpen = false;
        this.#draft = emptyDraft();
        this.#clientId = null;
        this.announcement = '';
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
    // A form that was re-rendered (after a reload) gets back what was typed into it.
    const box = this.#editor.textarea;
    if (box && !box.value && this.#draft.body) box.value = this.#draft.body;
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
    this.formError = null;
    this.#arrived.clear();
  }

  async #announce(text: string) {
    // Clear first, so the same message twice is announced twice.
    this.announcement = '';
    await this.updateComplete;
    this.announcement = text;
  }

  /** A failed request: a lapsed session signs the widget out; anything else is for the caller to show. */
  #handleAuth(error: ApiError) {
    if (error.status === 401) void this.#jc.session.refresh();
  }

  #query(cursor?: string, limit?: number): TopicListQuery {
    return {
      forum: this.forum || undefined,
      filter: FILTERS.includes(this.filter) && this.filter !== 'all' ? this.filter : undefined,
      tag: this.tag || undefined,
      limit: limit ?? Math.min(100, Math.max(1, Math.trunc(this.pageSize) || 20)),
      cursor,
    };
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
      const error = toApiError(err);
      this.#handleAuth(error);
      this.loadError = error;
      this.status = 'error';
    }
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
      this.topics = page.items;
      this.nextCursor = page.nextCursor;
      this.topicsStatus = 'ready';
      const n = page.items.length;
      void this.#announce(n === 0 ? msg('No topics match.') : n === 1 ? msg('1 topic shown.') : msg(str`${formatNumber(n)} topics shown.`));
    } catch (err) {
      if (generation !== this.#topicsGeneration) return;
      const error = toApiError(err);
      this.#handleAuth(error);
      this.topicsError = error;
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
      const error = toApiError(err);
      this.#handleAuth(error);
      // The community went away (archived, or the user lost access): say so as a load would.
      if (generation === this.#generation && error.status === 404) this.reload();
    }
  }

  /** As many topics from the top as the list shows now (at least a page), read again. */
  async #reread(): Promise<TopicPage> {
    const want = Math.max(this.topics.length, Math.min(100, Math.max(1, Math.trunc(this.pageSize) || 20)));
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
    void this.#announce(shown.length === 1 ? msg(str`New topic: ${shown[0]!.title}`) : msg(str`${formatNumber(shown.length)} new topics.`));
  }

  #focusedTopicId(): string | null {
    const active = (this.renderRoot as ShadowRoot).activeElement;
    const row = active?.closest<HTMLElement>('li[data-topic]');
    return row?.dataset.topic ?? null;
  }

  /* ---------- choosing what to show ---------- */

  #setForum(event: Event) {
    this.forum = (event.target as HTMLSelectElement).value;
  }

  #setFilter(filter: TopicFilter) {
    this.filter = filter;
  }

  #setTag(tag: string) {
    this.tag = tag;
    this.#focusAfterRender = tag ? '#jc-clear-tag' : '#jc-topics-title';
  }

  #clearFilters() {
    this.forum = '';
    this.filter = 'all';
    this.tag = '';
    this.#focusAfterRender = '#jc-topics-title';
  }

  #href(t: TopicSummary): string {
    return this.topicHref.replace(/\{(id|community)\}/g, (_m, key: 'id' | 'community') => encodeURIComponent(key === 'id' ? t.id : t.communitySlug));
  }

  #onSelect(event: MouseEvent, t: TopicSummary) {
    // Ctrl-, Cmd- and Shift-clicks open a new tab or window as usual.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const proceed = fire(this, 'jc-topic-select', { topicId: t.id, title: t.title, communitySlug: t.communitySlug }, true);
    if (!proceed) event.preventDefault();
  }

  /* ---------- a new topic ---------- */

  get #isMember(): boolean {
    return this.info?.membership?.state === 'active' && !this.info.archived;
  }

  #openForm() {
    this.formOpen = true;
    this.formError = null;
    this.#focusAfterRender = `#${FIELD_IDS.title}`;
  }

  #closeForm() {
    this.formOpen = false;
    this.formError = null;
    this.#focusAfterRender = '#jc-new-topic';
  }

  #onFormInput(event: Event) {
    const target = event.target as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
    switch (target.name) {
      case 'forumId':
        this.#draft.forumId = target.value;
        break;
      case 'title':
        this.#draft.title = target.value;
        break;
      case 'body':
        this.#draft.body = target.value;
        break;
      case 'tags':
        this.#draft.tags = target.value;
        break;
      case 'question':
        this.#draft.question = (target as HTMLInputElement).checked;
        break;
    }
  }

  #onFormKey(event: KeyboardEvent) {
    if (event.key !== 'Escape' || this.formBusy) return;
    // Escape inside the tabs or a select is theirs; elsewhere it closes the form (what is typed stays).
    const origin = event.composedPath()[0] as HTMLElement | undefined;
    if (origin?.tagName === 'SELECT') return;
    event.preventDefault();
    this.#closeForm();
  }

  #fieldError(field: FormField): string | undefined {
    const fields = this.formError?.fields ?? {};
    if (fields[field]) return fields[field];
    // Array items are named like `tags.2`.
    const key = Object.keys(fields).find((k) => k.startsWith(`${field}.`) || k.startsWith(`${field}[`));
    return key ? fields[key] : undefined;
  }

  async #onCreate(event: SubmitEvent) {
    event.preventDefault();
    if (this.formBusy) return;
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const forumId = String(data.get('forumId') ?? '');
    const title = String(data.get('title') ?? '').trim();
    const body = this.#editor.value;
    const tags = parseTags(String(data.get('tags') ?? ''));
    const question = data.get('question') !== null;
    const missing: Record<string, string> = {};
    if (!forumId) missing.forumId = msg('Choose a forum');
    if (!title) missing.title = msg('Give the topic a title');
    if (!body.trim()) missing.body = msg('Write something');
    if (Object.keys(missing).length) {
      this.formError = new ApiError(400, 'VALIDATION_FAILED', msg('Some fields need your attention.'), missing);
      this.#focusFirstError();
      return;
    }
    this.formBusy = true;
    this.formError = null;
    this.#clientId ??= crypto.randomUUID();
    try {
      const { topic } = await this.#jc.api.createTopic(this.community, {
        forumId,
        title,
        body,
        question,
        clientId: this.#clientId,
        ...(tags.length ? { tags } : {}),
      });
      this.#clientId = null;
      this.#draft = emptyDraft();
      form.reset();
      this.#editor.clear();
      this.formOpen = false;
      fire(this, 'jc-topic-created', { topic });
      await this.#showCreated(topic);
    } catch (err) {
      const error = toApiError(err);
      this.#handleAuth(error);
      // A lost answer may have started it: the retry sends the same key. Anything refused is refused as a whole.
      if (!isRetryable(error)) this.#clientId = null;
      this.formError = error;
      this.#focusFirstError();
    } finally {
      this.formBusy = false;
    }
  }

  #focusFirstError() {
    const first = FORM_FIELDS.find((f) => this.#fieldError(f));
    if (first === 'body') void this.#editor.write(true);
    else this.#focusAfterRender = first ? `#${FIELD_IDS[first]}` : '#jc-topic-form-error';
  }

  /** Shows a topic the user just started: in the list (and focused) if the current filters include it. */
  async #showCreated(topic: Topic) {
    const generation = ++this.#topicsGeneration;
    try {
      const page = await this.#reread();
      if (generation !== this.#topicsGeneration) return;
      this.topics = page.items;
      this.nextCursor = page.nextCursor;
      this.topicsStatus = 'ready';
      this.topicsError = null;
    } catch (err) {
      this.#handleAuth(toApiError(err));
    }
    if (this.topics.some((t) => t.id === topic.id)) {
      this.#focusAfterRender = `a[data-id="${CSS.escape(topic.id)}"]`;
      void this.#announce(msg(str`Your topic “${topic.title}” was posted.`));
    } else {
      this.#focusAfterRender = '#jc-new-topic';
      void this.#announce(msg(str`Your topic “${topic.title}” was posted in ${topic.forumName}. The current filters do not show it.`));
    }
  }

  async #onOptIn() {
    this.optingIn = true;
    try {
      await this.#jc.session.update({ optedIn: true });
      if (this.status !== 'loading') this.reload();
      this.#focusAfterRender = '#jc-forum-title';
      void this.#announce(msg('You opted in to JusticeConnect.'));
    } catch (err) {
      const error = toApiError(err);
      this.#handleAuth(error);
      this.loadError = error;
    } finally {
      this.optingIn = false;
    }
  }

  /* ---------- rendering ---------- */

  #filterLabel(filter: TopicFilter): string {
    switch (filter) {
      case 'all':
        return msg('All');
      case 'unanswered':
        return msg('Unanswered');
      case 'answered':
        return msg('Answered');
      case 'questions':
        return msg('Questions');
    }
  }

  #renderToolbar() {
    const canPost = this.#isMember && this.forums.length > 0;
    return html`<div class="toolbar" part="toolbar">
      <div class="field forum-choice">
        <label for="jc-forum-choice">${msg('Forum')}</label>
        <select id="jc-forum-choice" part="input" @change=${this.#setForum}>
          <option value="" ?selected=${!this.forum}>${msg('All forums')}</option>
          ${this.forums.map(
            (f) => html`<option value=${f.id} ?selected=${f.id === this.forum}>
              ${f.name} (${f.topicCount === 1 ? msg('1 topic') : msg(str`${formatNumber(f.topicCount)} topics`)})
            </option>`,
          )}
        </select>
      </div>
      <div class="filters" role="group" aria-label=${msg('Show')}>
        ${FILTERS.map(
          (f) => html`<button
            part="filter button"
            type="button"
            class="small"
            data-filter=${f}
            aria-pressed=${this.filter === f ? 'true' : 'false'}
            @click=${() => this.#setFilter(f)}
          >
            ${this.#filterLabel(f)}
          </button>`,
        )}
      </div>
      ${canPost
        ? html`<button
            part="button"
            type="button"
            id="jc-new-topic"
            class="small new-topic"
            aria-expanded=${this.formOpen ? 'true' : 'false'}
            aria-controls=${this.formOpen ? 'jc-topic-form' : nothing}
            @click=${() => (this.formOpen ? this.#closeForm() : this.#openForm())}
          >
            ${msg('New topic')}
          </button>`
        : nothing}
    </div>
    ${this.tag
      ? html`<p class="tag-filter">
          ${msg('Showing topics tagged')} <span class="tag static" part="tag">${this.tag}</span>
          <button part="button" type="button" id="jc-clear-tag" class="small secondary" @click=${() => this.#setTag('')}>${msg('Clear tag filter')}</button>
        </p>`
      : nothing}`;
  }

  /** Why the user cannot start a topic (when they cannot). */
  #renderNotice() {
    const info = this.info;
    if (!info) return nothing;
    let text: string | null = null;
    if (info.archived) text = msg('This community is archived: its topics can be read but not added to.');
    else if (info.membership?.state === 'requested') text = msg(str`Your request to join ${info.name} is waiting for approval. You can start topics and reply once you are a member.`);
    else if (info.membership?.state === 'invited') text = msg(str`You are invited to ${info.name}. Accept the invitation to start topics and reply.`);
    else if (info.membership?.state !== 'active') text = msg(str`You are reading ${info.name} as a visitor. Only members can start topics and reply: join the community to take part.`);
    else if (this.forums.length === 0) text = msg('This community has no forums yet. Its owners and moderators can add one.');
    return text ? html`<p class="note" part="status">${text}</p>` : nothing;
  }

  #renderForm() {
    if (!this.formOpen || !this.#isMember || this.forums.length === 0) return nothing;
    const off = this.formBusy;
    const error = this.formError;
    const unshown = error && !FORM_FIELDS.some((f) => this.#fieldError(f)) ? error : null;
    const draft = this.#draft;
    const forumId = draft.forumId || this.forum || this.forums[0]!.id;
    const field = (name: FormField, label: string, control: (a: FieldControl) => TemplateResult, hint?: string) =>
      renderField({ id: FIELD_IDS[name], label, hint, error: this.#fieldError(name) }, control);
    return html`<form
      id="jc-topic-form"
      class="topic-form"
      part="form"
      aria-labelledby="jc-topic-form-title"
      novalidate
      @submit=${this.#onCreate}
      @input=${this.#onFormInput}
      @change=${this.#onFormInput}
      @keydown=${this.#onFormKey}
    >
      <h3 id="jc-topic-form-title">${msg('New topic')}</h3>
      ${field(
        'forumId',
        msg('Forum'),
        (a) => html`<select id=${FIELD_IDS.forumId} part="input" name="forumId" aria-describedby=${a.describedBy ?? nothing} aria-invalid=${a.invalid} ?disabled=${off}>
          ${this.forums.map((f) => html`<option value=${f.id} ?selected=${f.id === forumId}>${f.name}</option>`)}
        </select>`,
      )}
      ${field(
        'title',
        msg('Title'),
        (a) => html`<input
          id=${FIELD_IDS.title}
          part="input"
          name="title"
          required
          maxlength="200"
          autocomplete="off"
          .value=${draft.title}
          aria-describedby=${a.describedBy ?? nothing}
          aria-invalid=${a.invalid}
          ?disabled=${off}
        />`,
      )}
      ${this.#editor.render({ label: msg('Details'), error: this.#fieldError('body'), name: 'body', maxlength: 20000, rows: 6 })}
      ${field(
        'tags',
        msg('Tags (optional)'),
        (a) => html`<input
          id=${FIELD_IDS.tags}
          part="input"
          name="tags"
          autocomplete="off"
          spellcheck="false"
          .value=${draft.tags}
          aria-describedby=${a.describedBy ?? nothing}
          aria-invalid=${a.invalid}
          ?disabled=${off}
        />`,
        msg('Up to 5, separated by commas or spaces: lower-case letters, digits and dashes (e.g. alpr, i-35).'),
      )}
      <div class="field check">
        <input
          id=${FIELD_IDS.question}
          part="input"
          type="checkbox"
          name="question"
          .checked=${draft.question}
          aria-describedby="jc-topic-question-hint${this.#fieldError('question') ? ' jc-topic-question-error' : ''}"
          ?disabled=${off}
        />
        <label for=${FIELD_IDS.question}>${msg('This is a question')}</label>
        <span class="hint" id="jc-topic-question-hint">${msg('Replies can then be marked as the answer.')}</span>
        ${this.#fieldError('question') ? html`<span class="field-error" part="error" id="jc-topic-question-error">${this.#fieldError('question')}</span>` : nothing}
      </div>
      ${unshown ? html`<p class="error" part="error" role="alert" id="jc-topic-form-error" tabindex="-1">${errorText(unshown)}</p>` : nothing}
      <div class="form-actions">
        <button part="button" type="submit" aria-disabled=${off ? 'true' : 'false'}>${off ? msg('Posting…') : msg('Post topic')}</button>
        <button part="button" type="button" class="secondary" ?disabled=${off} @click=${() => this.#closeForm()}>${msg('Cancel')}</button>
      </div>
    </form>`;
  }

  #renderBadges(t: TopicSummary) {
    const badges: TemplateResult[] = [];
    const badge = (kind: string, icon: string, label: string) =>
      html`<li class="badge ${kind}" part="badge" data-badge=${kind}><span aria-hidden="true">${icon}</span> ${label}</li>`;
    if (t.pinned) badges.push(badge('pinned', '📌', msg('Pinned')));
    if (t.locked) badges.push(badge('locked', '🔒', msg('Locked')));
    if (t.question) badges.push(t.answered ? badge('answered', '✓', msg('Answered')) : badge('question', '?', msg('Question')));
    return badges.length ? html`<ul class="badges" aria-label=${msg('Status')}>${badges}</ul>` : nothing;
  }

  #renderTopic(t: TopicSummary) {
    const replies = t.replyCount === 1 ? msg('1 reply') : msg(str`${formatNumber(t.replyCount)} replies`);
    const locale = intlLocale();
    return html`<li class="topic" part="topic" data-topic=${t.id}>
      <h4 class="title">
        <a part="link" href=${this.#href(t)} data-id=${t.id} @click=${(e: MouseEvent) => this.#onSelect(e, t)}>${t.title}</a>
      </h4>
      ${this.#renderBadges(t)}
      ${t.excerpt ? html`<p class="excerpt">${t.excerpt}</p>` : nothing}
      ${t.tags.length
        ? html`<ul class="tags" aria-label=${msg('Tags')}>
            ${t.tags.map(
              (tag) => html`<li>
                <button part="tag" type="button" class="tag" aria-pressed=${this.tag === tag ? 'true' : 'false'} @click=${() => this.#setTag(tag)}>
                  <span class="visually-hidden">${msg('Show topics tagged')} </span>${tag}
                </button>
              </li>`,
            )}
          </ul>`
        : nothing}
      <p class="meta" part="meta">
        <span>${msg(str`By ${t.author.name}`)}${t.author.agency ? html`, <span class="agency">${t.author.agency}</span>` : nothing}</span>
        ${this.forum ? nothing : html`<span>${msg(str`in ${t.forumName}`)}</span>`}
        <span class="replies">${replies}</span>
        <span>${msg('Last activity')} ${renderTime(t.lastActivityAt, this.now, locale)}</span>
      </p>
    </li>`;
  }

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
        ${repeat(this.topics, (t) => t.id, (t) => this.#renderTopic(t))}
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
    return html`${this.#renderToolbar()} ${this.#renderNotice()} ${this.#renderForm()}
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
      <p class="announce" part="status" role="status" aria-live="polite">${this.announcement}</p>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'jc-forum': JcForum;
  }
}
