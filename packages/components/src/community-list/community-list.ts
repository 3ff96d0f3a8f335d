import { msg, str } from '@lit/localize';
import { communityEndpoints } from '../api/communities.js';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { ApiError } from '../api/transport.js';
import type { Community, CommunityCreate, Member, Visibility } from '../api/schemas.js';
import { JcElement, customElement } from '../kernel/element.js';
import { LiveController } from '../live.js';
import { errorText } from '../shared/account-states.js';
import { communityListStyles } from './community-list.styles.js';
import { FORM_FIELDS, communityLabel, isManager, membershipLabel, renderCreateForm, renderRequests, visibilityLabel, type RequestsView } from './parts.js';
import { formatNumber } from '../shared/localization.js';

type Scope = 'mine' | 'all';

/**
 * The signed-in user's JusticeConnect communities, most recently updated first,
 * with subcommunities under their parent; a "Find communities" view of every
 * community the user may see, to join, ask to join, accept an invitation or
 * leave; requests to join for the communities the user owns or moderates; and
 * a form to create a community or subcommunity.
 *
 * @element jc-community-list
 * @attr theme - The widget's colour theme: `light`, `dark` or `high-contrast`. Without it the widget takes its `jc-provider`'s `theme`, or else follows the reader's system (`prefers-color-scheme`, and `prefers-contrast: more`). `--jc-*` custom properties set by the page win over any theme.
 * @fires jc-community-select - A community's link was clicked. `detail` is `{ slug, id, name }`. Call `preventDefault()` to stop the link's navigation (e.g. to route in a single-page app).
 * @fires jc-community-joined - The user joined, asked to join, or accepted an invitation. `detail` is `{ community, requested }` (`requested`: the request waits for an owner or moderator).
 * @fires jc-community-left - The user left, cancelled a request or declined an invitation. `detail.community` is the community.
 * @fires jc-community-created - The user created a community. `detail.community` is the new community.
 * @csspart heading - The widget's heading.
 * @csspart panel - The box around the widget.
 * @csspart list - Every list of communities (subcommunities are nested lists).
 * @csspart item - One community.
 * @csspart link - A community's name, linking to it.
 * @csspart meta - The line under the name: visibility, member count, the user's role.
 * @csspart badge - The visibility label (Public, Moderated, Restricted).
 * @csspart button - Every button.
 * @csspart requests - The box of requests to join, for owners and moderators.
 * @csspart form - The create-community form.
 * @csspart input - The form's inputs, selects and text area.
 * @csspart error - An error message.
 * @csspart status - Loading text and the announcement of each action's result.
 * @cssprop --jc-community-list-max-width - The widget's largest width (40rem).
 * @cssprop --jc-color-surface - The background of the panel and its fields (light #ffffff, dark #1b1b1b, high contrast #ffffff).
 * @cssprop --jc-color-text - Text (light #1b1b1b, dark #f0f0f0, high contrast #000000).
 * @cssprop --jc-color-text-muted - Secondary text: the line under each name, hints, loading text (light #565c65, dark #c6cace, high contrast #2d2e2f).
 * @cssprop --jc-color-border - Borders of the panel, fields and dividers (light #8d9297, dark #8d9297, high contrast #000000).
 * @cssprop --jc-color-primary - Buttons, links and selected items (light #005ea2, dark #73b3e7, high contrast #0b4778).
 * @cssprop --jc-color-on-primary - Text on primary buttons (light #ffffff, dark #1b1b1b, high contrast #ffffff).
 * @cssprop --jc-color-focus - The focus outline's colour (light #0076d6, dark #58b4ff, high contrast #0050d8).
 * @cssprop --jc-color-danger - Error messages and fields in error (light #b50909, dark #f8a9a9, high contrast #8b0a03).
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
@customElement('jc-community-list')
export class JcCommunityList extends JcElement<[typeof communityEndpoints]> {
  static override resources = [communityEndpoints];
  static override styles = communityListStyles;

  /** `mine`: the user's communities; `all`: every community the user may see ("Find communities"). */
  @property({ reflect: true }) scope: Scope = 'mine';

  /** Where a community's link goes: `{slug}` and `{id}` are replaced (URL-encoded). */
  @property({ attribute: 'href-template' }) hrefTemplate = '#community/{slug}';

  /** How many communities to load at a time (1–100). */
  @property({ type: Number, attribute: 'page-size' }) pageSize = 25;

  @state() private loadingMore = false;
  @state() private moreError: ApiError | null = null;
  @state() private busy = new Set<string>();
  @state() private actionError: string | null = null;
  @state() private requests = new Map<string, RequestsView>();
  @state() private openRequests = new Set<string>();
  @state() private formOpen = false;
  @state() private formBusy = false;
  @state() private formError: ApiError | null = null;
  @state() private options: Community[] | null = null;
  @state() private optionsError: ApiError | null = null;

  /** The communities shown (and the cursor of the next page), for who is signed in and the scope. */
  #list = this.resource({
    args: () => [this.scope, this.#limit] as const,
    load: ([scope, limit]) => this.jc.api.listCommunities({ scope, limit }),
    onLoad: () => {
      this.actionError = null;
      this.requests = new Map();
      this.openRequests = new Set();
    },
    onReset: () => {
      this.formOpen = false;
      this.announcer.clear();
    },
  });
  /** Memberships and communities change live: reload (once for a burst of events). */
  #live = new LiveController(this, this.jc, {
    topics: () => ['membership.changed', 'community.created', 'community.updated'],
    refresh: () => this.#list.reload(),
    onResync: () => this.#list.reload(),
    debounce: 150,
  });
  #focusAfterRender: string | null = null;

  /** Reloads the list from the server. */
  reload(): void {
    this.#list.reload();
  }

  get #limit(): number {
    return Math.min(100, Math.max(1, Math.trunc(this.pageSize) || 25));
  }

  get #items(): Community[] {
    return this.#list.value?.items ?? [];
  }

  set #items(items: Community[]) {
    this.#list.value = { items, nextCursor: this.#list.value?.nextCursor ?? null };
  }

  protected override updated(_changed: PropertyValues<this>): void {
    if (!this.#focusAfterRender) return;
    const target = this.renderRoot.querySelector<HTMLElement>(this.#focusAfterRender);
    if (target) {
      target.focus();
      this.#focusAfterRender = null;
    }
  }

  #setBusy(key: string, on: boolean) {
    const next = new Set(this.busy);
    if (on) next.add(key);
    else next.delete(key);
    this.busy = next;
  }

  /** The next page, added below (focus goes to the first community it brought). */
  async #loadMore() {
    this.loadingMore = true;
    this.moreError = null;
    let fresh: Community[] = [];
    const error = await this.#list.update(async (shown) => {
      const page = await this.jc.api.listCommunities({ scope: this.scope, limit: this.#limit, cursor: shown.nextCursor ?? undefined });
      const items = this.#list.value?.items ?? shown.items;
      const known = new Set(items.map((c) => c.id));
      fresh = page.items.filter((c) => !known.has(c.id));
      return { items: [...items, ...fresh], nextCursor: page.nextCursor };
    });
    this.loadingMore = false;
    if (error) this.moreError = error;
    if (error !== null) return;
    const first = fresh[0];
    if (first) this.#focusAfterRender = `a[data-id="${first.id}"]`;
    void this.announcer.say(fresh.length === 1 ? msg('1 more community shown.') : msg(str`${formatNumber(fresh.length)} more communities shown.`));
  }

  #setScope(scope: Scope) {
    if (scope === this.scope) return;
    this.scope = scope;
    this.announcer.clear();
  }

  #href(c: Community): string {
    return this.hrefTemplate.replace(/\{(slug|id)\}/g, (_m, key: 'slug' | 'id') => encodeURIComponent(c[key]));
  }

  #onSelect(event: MouseEvent, c: Community) {
    // Ctrl-, Cmd- and Shift-clicks open a new tab or window as usual.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const proceed = this.emit('jc-community-select', { slug: c.slug, id: c.id, name: c.name }, true);
    if (!proceed) event.preventDefault();
  }

  #replace(updated: Community) {
    this.#items = this.#items.map((c) => (c.id === updated.id ? updated : c));
  }

  async #onJoin(c: Community) {
    this.#setBusy(c.id, true);
    this.actionError = null;
    const wasInvited = c.membership?.state === 'invited';
    try {
      const result = await this.jc.api.joinCommunity(c.slug);
      this.#replace(result.community);
      this.#focusAfterRender = `[data-actions="${c.id}"] button`;
      this.emit('jc-community-joined', { community: result.community, requested: result.requested });
      void this.announcer.say(
        result.requested
          ? msg(str`Your request to join ${c.name} was sent. An owner or moderator will answer it.`)
          : wasInvited
            ? msg(str`You accepted the invitation. You are now a member of ${c.name}.`)
            : msg(str`You joined ${c.name}.`),
      );
    } catch (err) {
      this.#actionFailed(err);
    } finally {
      this.#setBusy(c.id, false);
    }
  }

  async #onLeave(c: Community) {
    this.#setBusy(c.id, true);
    this.actionError = null;
    const before = c.membership?.state;
    try {
      const result = await this.jc.api.leaveCommunity(c.slug);
      this.#afterLeave(c, result.community);
      this.emit('jc-community-left', { community: result.community });
      void this.announcer.say(
        before === 'requested'
          ? msg(str`You cancelled your request to join ${c.name}.`)
          : before === 'invited'
            ? msg(str`You declined the invitation to ${c.name}.`)
            : msg(str`You left ${c.name}.`),
      );
    } catch (err) {
      this.#actionFailed(err);
    } finally {
      this.#setBusy(c.id, false);
    }
  }

  /** Leaving also leaves every subcommunity below; a restricted one is then out of sight. */
  #afterLeave(left: Community, updated: Community) {
    const below = (c: Community) => c.path.some((p) => p.id === left.id);
    if (this.scope === 'mine' || left.visibility === 'restricted') {
      this.#items = this.#items.filter((c) => c.id !== left.id && !below(c));
      this.#focusAfterRender = '#jc-list-title';
      return;
    }
    const gone = new Set<string>();
    const sorted = [...this.#items].filter(below).sort((a, b) => a.path.length - b.path.length);
    for (const c of sorted) if (c.visibility === 'restricted' || c.path.some((p) => gone.has(p.id))) gone.add(c.id);
    this.#items = this.#items
      .filter((c) => !gone.has(c.id))
      .map((c) => {
        if (c.id === left.id) return updated;
        if (!below(c) || !c.membership) return c;
        return { ...c, membership: null, memberCount: c.memberCount - (c.membership.state === 'active' ? 1 : 0) };
      });
    this.#focusAfterRender = `[data-actions="${left.id}"] button`;
  }

  #actionFailed(err: unknown) {
    this.actionError = errorText(this.failed(err));
  }

  async #toggleRequests(c: Community) {
    const open = new Set(this.openRequests);
    if (open.has(c.id)) {
      open.delete(c.id);
      this.openRequests = open;
      return;
    }
    open.add(c.id);
    this.openRequests = open;
    await this.#loadRequests(c);
  }

  #setRequests(id: string, view: RequestsView) {
    const next = new Map(this.requests);
    next.set(id, view);
    this.requests = next;
  }

  async #loadRequests(c: Community) {
    this.#setRequests(c.id, { status: 'loading', items: this.requests.get(c.id)?.items ?? [], error: null });
    try {
      const items = await this.jc.api.listMembers(c.slug, 'requested');
      this.#setRequests(c.id, { status: 'ready', items, error: null });
      void this.announcer.say(
        items.length === 0
          ? msg(str`No requests to join ${c.name} are waiting.`)
          : items.length === 1
            ? msg(str`1 request to join ${c.name} is waiting.`)
            : msg(str`${formatNumber(items.length)} requests to join ${c.name} are waiting.`),
        // The requests (or "No requests are waiting") show where they were asked for: said to a screen reader only.
        true,
      );
    } catch (err) {
      this.#setRequests(c.id, { status: 'error', items: [], error: this.failed(err) });
    }
  }

  async #onDecide(c: Community, member: Member, approve: boolean) {
    const key = `${c.id}:${member.userId}`;
    this.#setBusy(key, true);
    this.actionError = null;
    try {
      if (approve) await this.jc.api.approveMember(c.slug, member.userId);
      else await this.jc.api.denyMember(c.slug, member.userId);
      const view = this.requests.get(c.id);
      const rest = (view?.items ?? []).filter((m) => m.userId !== member.userId);
      this.#setRequests(c.id, { status: 'ready', items: rest, error: null });
      if (approve) {
        const current = this.#items.find((i) => i.id === c.id);
        if (current) this.#replace({ ...current, memberCount: current.memberCount + 1 });
      }
      const next = rest[0];
      this.#focusAfterRender = next ? `[data-request="${c.id}:${next.userId}"] button` : `[data-requests-toggle="${c.id}"]`;
      void this.announcer.say(
        approve ? msg(str`${member.name} is now a member of ${c.name}.`) : msg(str`You denied ${member.name}’s request to join ${c.name}.`),
      );
    } catch (err) {
      this.#actionFailed(err);
    } finally {
      this.#setBusy(key, false);
    }
  }

  async #onOptIn() {
    this.actionError = null;
    const error = await this.optIn(this.#list);
    if (error) {
      this.actionError = errorText(error);
      return;
    }
    this.#focusAfterRender = '#jc-communities-title';
    void this.announcer.say(msg('You opted in to JusticeConnect.'));
  }

  async #openForm() {
    this.formOpen = true;
    this.formError = null;
    this.#focusAfterRender = '#jc-name';
    this.options = null;
    this.optionsError = null;
    try {
      // The "copy settings from" and "parent" choices: every community the user may see.
      const all: Community[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 5; i++) {
        const page = await this.jc.api.listCommunities({ scope: 'all', limit: 100, cursor });
        all.push(...page.items);
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      this.options = all.sort((a, b) => communityLabel(a).localeCompare(communityLabel(b)));
    } catch (err) {
      this.optionsError = this.failed(err);
    }
  }

  #closeForm() {
    this.formOpen = false;
    this.formError = null;
    this.#focusAfterRender = '#jc-new-community';
  }

  #onCopyFromChange(event: Event) {
    const ref = (event.target as HTMLSelectElement).value;
    const source = this.options?.find((c) => c.slug === ref);
    const visibility = this.renderRoot.querySelector<HTMLSelectElement>('#jc-visibility');
    if (source && visibility) visibility.value = source.visibility;
  }

  async #onCreate(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const body: CommunityCreate = { name: text('name') };
    if (!body.name) {
      this.formError = new ApiError(400, 'VALIDATION_FAILED', msg('Enter a name.'), { name: msg('Enter a name') });
      this.#focusAfterRender = '[name="name"]';
      return;
    }
    if (text('slug')) body.slug = text('slug');
    if (text('description')) body.description = String(data.get('description'));
    if (text('visibility')) body.visibility = text('visibility') as Visibility;
    if (text('copyFrom')) body.copyFrom = text('copyFrom');
    if (text('parent')) body.parent = text('parent');
    this.formBusy = true;
    this.formError = null;
    try {
      const created = await this.jc.api.createCommunity(body);
      form.reset();
      this.formOpen = false;
      this.#items = [created, ...this.#items.filter((c) => c.id !== created.id)];
      this.#focusAfterRender = `a[data-id="${created.id}"]`;
      this.emit('jc-community-created', { community: created });
      void this.announcer.say(msg(str`You created ${created.name}. You are its owner.`));
    } catch (err) {
      const error = this.failed(err);
      this.formError = error;
      const first = FORM_FIELDS.find((f) => error.fields[f]);
      this.#focusAfterRender = first ? `[name="${first}"]` : '#jc-form-error';
    } finally {
      this.formBusy = false;
    }
  }

  /* ---------- rendering ---------- */

  #renderActions(c: Community) {
    const m = c.membership;
    const busy = this.busy.has(c.id) || c.archived;
    const name = html`<span class="visually-hidden"> ${c.name}</span>`;
    const button = (label: string, onClick: () => void, secondary = false) =>
      html`<button part="button" type="button" class=${secondary ? 'small secondary' : 'small'} ?disabled=${busy} @click=${onClick}>
        ${label}${name}
      </button>`;
    const buttons: TemplateResult[] = [];
    if (!m) {
      if (c.visibility === 'public') buttons.push(button(msg('Join'), () => this.#onJoin(c)));
      else if (c.visibility === 'moderated') buttons.push(button(msg('Request to join'), () => this.#onJoin(c)));
    } else if (m.state === 'invited') {
      buttons.push(button(msg('Accept invitation'), () => this.#onJoin(c)));
      buttons.push(button(msg('Decline'), () => this.#onLeave(c), true));
    } else if (m.state === 'requested') {
      buttons.push(button(msg('Cancel request'), () => this.#onLeave(c), true));
    } else {
      buttons.push(button(msg('Leave'), () => this.#onLeave(c), true));
    }
    // (Anyone may join a public community at once: it has no requests to show.)
    if (isManager(m) && c.visibility !== 'public') {
      const open = this.openRequests.has(c.id);
      buttons.push(html`<button
        part="button"
        type="button"
        class="small secondary"
        data-requests-toggle=${c.id}
        aria-expanded=${open ? 'true' : 'false'}
        aria-controls=${`jc-requests-${c.id}`}
        @click=${() => this.#toggleRequests(c)}
      >
        ${msg('Requests to join')}${name}
      </button>`);
    }
    return html`<div class="actions" data-actions=${c.id}>${buttons}</div>`;
  }

  #renderItem(c: Community, children: Map<string, Community[]>, nested: boolean): TemplateResult {
    const kids = children.get(c.id) ?? [];
    const count = c.memberCount === 1 ? msg('1 member') : msg(str`${formatNumber(c.memberCount)} members`);
    return html`<li class="item" part="item">
      ${!nested && c.path.length
        ? html`<span class="context">${msg(str`In ${c.path.map((p) => p.name).join(' › ')}`)}</span>`
        : nothing}
      <a part="link" href=${this.#href(c)} data-id=${c.id} @click=${(e: MouseEvent) => this.#onSelect(e, c)}>${c.name}</a>
      <p class="meta" part="meta">
        <span class="badge" part="badge">${visibilityLabel(c.visibility)}</span>
        <span>${count}</span>
        <span class="role">${membershipLabel(c.membership)}</span>
        ${c.archived ? html`<span>${msg('Archived')}</span>` : nothing}
      </p>
      ${this.scope === 'all' && c.description ? html`<p class="description">${c.description}</p>` : nothing}
      ${this.#renderActions(c)}
      ${renderRequests(c, {
        open: this.openRequests.has(c.id),
        view: this.requests.get(c.id),
        busy: (m) => this.busy.has(`${c.id}:${m.userId}`),
        onRetry: () => void this.#loadRequests(c),
        onDecide: (m, approve) => void this.#onDecide(c, m, approve),
      })}
      ${kids.length
        ? html`<ul part="list" aria-label=${msg(str`Subcommunities of ${c.name}`)}>
            ${repeat(kids, (k) => k.id, (k) => this.#renderItem(k, children, true))}
          </ul>`
        : nothing}
    </li>`;
  }

  #renderList() {
    const loaded = new Set(this.#items.map((c) => c.id));
    const roots: Community[] = [];
    const children = new Map<string, Community[]>();
    for (const c of this.#items) {
      if (c.parentId && loaded.has(c.parentId)) {
        const list = children.get(c.parentId) ?? [];
        list.push(c);
        children.set(c.parentId, list);
      } else roots.push(c);
    }
    const title = this.scope === 'mine' ? msg('Your communities') : msg('All communities you can see');
    const body =
      this.loadState(this.#list, {
        loading: msg('Loading communities…'),
        empty: ({ items }) =>
          items.length
            ? null
            : this.scope === 'mine'
              ? html`<p>${msg('You are not in any communities yet.')}</p>
                  <button part="button" type="button" class="secondary" @click=${() => this.#setScope('all')}>
                    ${msg('Find communities to join')}
                  </button>`
              : html`<p>${msg('There are no communities you can see yet. Create the first one.')}</p>`,
      }) ??
      html`<ul class="list" part="list" aria-labelledby="jc-list-title">
          ${repeat(roots, (c) => c.id, (c) => this.#renderItem(c, children, false))}
        </ul>
        ${this.moreError ? html`<p class="error more" part="error" role="alert">${errorText(this.moreError)}</p>` : nothing}
        ${this.#list.value?.nextCursor
          ? html`<div class="more">
              <button part="button" type="button" class="secondary" ?disabled=${this.loadingMore} @click=${() => this.#loadMore()}>
                ${this.loadingMore ? msg('Loading…') : msg('Show more')}
              </button>
            </div>`
          : nothing}`;
    return html`
      <div class="toolbar">
        <div class="scopes" role="group" aria-label=${msg('Which communities')}>
          <button part="button" type="button" class="small" aria-pressed=${this.scope === 'mine' ? 'true' : 'false'} @click=${() => this.#setScope('mine')}>
            ${msg('My communities')}
          </button>
          <button part="button" type="button" class="small" aria-pressed=${this.scope === 'all' ? 'true' : 'false'} @click=${() => this.#setScope('all')}>
            ${msg('Find communities')}
          </button>
        </div>
        <button
          part="button"
          type="button"
          class="small"
          id="jc-new-community"
          aria-expanded=${this.formOpen ? 'true' : 'false'}
          aria-controls=${this.formOpen ? 'jc-create' : nothing}
          @click=${() => (this.formOpen ? this.#closeForm() : this.#openForm())}
        >
          ${msg('New community')}
        </button>
      </div>
      ${this.formOpen
        ? renderCreateForm({
            options: this.options,
            optionsError: this.optionsError,
            error: this.formError,
            busy: this.formBusy,
            onSubmit: (e) => void this.#onCreate(e),
            onCopyFromChange: (e) => this.#onCopyFromChange(e),
            onCancel: () => this.#closeForm(),
          })
        : nothing}
      ${this.actionError ? html`<p class="error" part="error" role="alert">${this.actionError}</p>` : nothing}
      <h3 id="jc-list-title" tabindex="-1">${title}</h3>
      ${body}
    `;
  }

  protected override render() {
    return html`<section class="panel" part="panel" aria-labelledby="jc-communities-title">
      <h2 id="jc-communities-title" part="heading" tabindex="-1">${msg('JusticeConnect Communities')}</h2>
      ${this.gate(this.#list, {
        signedOut: msg('Sign in to JusticeConnect to see your communities.'),
        optIn: msg('Opt in to JusticeConnect to see and join communities across agencies.'),
        actionError: this.actionError,
        onOptIn: () => void this.#onOptIn(),
      }) ?? this.#renderList()}
      ${this.announcer.render()}
    </section>`;
  }
}

declare module '../kernel/element.js' {
  interface JcEventMap {
    'jc-community-select': { slug: string; id: string; name: string };
    'jc-community-joined': { community: Community; requested: boolean };
    'jc-community-left': { community: Community };
    'jc-community-created': { community: Community };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'jc-community-list': JcCommunityList;
  }
}
