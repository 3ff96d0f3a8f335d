import { msg, str } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { ApiError } from '../api/client.js';
import type { Activity, ActivityStep, ActivityUpdate } from '../api/schemas.js';
import type { Resource, ResourceOptions } from '../kernel/resource.js';
import { errorText } from '../shared/account-states.js';
import { renderAttachment } from '../shared/attachment.js';
import { formatNumber, intlLocale } from '../shared/localization.js';
import { markdown } from '../shared/markdown.js';
import { renderTime } from '../shared/time.js';
import type { TrackerPort } from './tracker-port.js';

/** The updates shown, the cursor of the next page (null: all are shown), and the one the last page was read from. */
export interface UpdateLog {
  items: ActivityUpdate[];
  cursor: string | null;
  from?: string | undefined;
}

export type UpdateArgs = [id: string | undefined, limit: number];

/**
 * The activity's updates, oldest first, a page at a time ("Load more
 * updates"), with new ones arriving live. The log is one of the widget's
 * loads (the kernel's Resource): loaded with the activity, and an answer a
 * newer load superseded is dropped there.
 */
export class Updates {
  #log: Resource<UpdateLog, UpdateArgs>;
  #limit: () => number;
  #loadingMore = false;
  #moreError: ApiError | null = null;
  #fileError: string | null = null;

  constructor(
    private readonly t: TrackerPort,
    resource: (options: ResourceOptions<UpdateLog, UpdateArgs>) => Resource<UpdateLog, UpdateArgs>,
    /** How many updates to load at a time. */
    limit: () => number,
  ) {
    this.#limit = limit;
    this.#log = resource({
      args: () => [t.view()?.id, limit()],
      load: async ([id, limit]) => {
        const page = id ? await t.api().listActivityUpdates(id, { limit }) : null;
        return { items: page?.items ?? [], cursor: page?.nextCursor ?? null };
      },
      onLoad: () => {
        this.#loadingMore = false;
        this.#moreError = this.#fileError = null;
      },
    });
  }

  /**
   * Reads the page at `cursor` (the first: undefined) and adds the updates
   * not shown yet at the end: answers those, the failure, or undefined when a
   * newer load superseded it.
   */
  async #page(cursor: string | undefined): Promise<ActivityUpdate[] | ApiError | undefined> {
    let fresh: ActivityUpdate[] = [];
    const outcome = await this.#log.update(async (log) => {
      const page = await this.t.api().listActivityUpdates(this.t.view()?.id ?? '', { cursor, limit: this.#limit() });
      // What is shown now: an update posted meanwhile stays.
      const now = this.#log.value ?? log;
      const known = new Set(now.items.map((u) => u.id));
      fresh = page.items.filter((u) => !known.has(u.id));
      return { items: [...now.items, ...fresh], cursor: page.nextCursor, from: cursor };
    });
    return outcome ?? (outcome === null ? fresh : undefined);
  }

  /** Loads the next page (what "Load more updates" does); resolves when it is shown. */
  async loadMore(): Promise<void> {
    const t = this.t;
    const cursor = this.#log.value?.cursor;
    if (!cursor || this.#loadingMore) return;
    this.#loadingMore = true;
    this.#moreError = null;
    t.host.requestUpdate();
    const fresh = await this.#page(cursor);
    if (fresh === undefined) return;
    this.#loadingMore = false;
    if (Array.isArray(fresh)) {
      const first = fresh[0];
      if (first) t.focus(`[data-update="${CSS.escape(first.id)}"]`);
      t.say(fresh.length === 1 ? msg('1 more update shown.') : msg(str`${formatNumber(fresh.length)} more updates shown.`));
    } else this.#moreError = t.failed(fresh);
    t.host.requestUpdate();
    await t.host.updateComplete;
  }

  /** New updates (posted live, by `me` too): read from the last page on, when every earlier one is shown. */
  async refresh(me: string | undefined): Promise<void> {
    const log = this.#log.value;
    if (!log || this.#log.status !== 'ready' || this.#loadingMore || log.cursor) return;
    const fresh = await this.#page(log.from);
    if (!Array.isArray(fresh)) {
      if (fresh) this.t.failed(fresh);
      return;
    }
    const others = fresh.filter((u) => u.author.id !== me);
    if (others.length === 1) this.t.say(msg(str`New update from ${others[0]!.author.name}.`));
    else if (others.length > 1) this.t.say(msg(str`${formatNumber(others.length)} new updates.`));
  }

  /** The user's own update, posted: shown last when every earlier one is (answers whether it is). */
  posted(update: ActivityUpdate): boolean {
    const log = this.#log.value;
    if (this.#log.status !== 'ready' || !log || log.cursor) return false;
    if (!log.items.some((u) => u.id === update.id)) this.#log.value = { ...log, items: [...log.items, update] };
    return true;
  }

  #renderUpdate(update: ActivityUpdate, steps: Map<string, ActivityStep>) {
    const about = update.stepId ? steps.get(update.stepId) : undefined;
    const locale = intlLocale();
    return html`<li class="update" part="update">
      <article data-update=${update.id} tabindex="-1" aria-label=${msg(str`Update from ${update.author.name}`)}>
        <p class="meta" part="meta">
          <span><strong>${update.author.name}</strong>${update.author.agency ? html`, <span class="agency">${update.author.agency}</span>` : nothing}</span>
          ${renderTime(update.createdAt, this.t.now(), locale)}
          ${about ? html`<span class="about">${msg(str`About “${about.title}”`)}</span>` : nothing}
        </p>
        <div class="body" part="body">${markdown(update.body)}</div>
        ${update.attachment
          ? renderAttachment(this.t.api(), update.attachment, locale, (text) => {
              this.#fileError = text;
              this.t.host.requestUpdate();
            })
          : nothing}
      </article>
    </li>`;
  }

  /** The "Updates" heading, the log (or loading, an error with Try again, none yet) and Load more; then `composer`. */
  render(view: Activity, composer: unknown): TemplateResult {
    const steps = new Map(view.steps.map((s) => [s.id, s]));
    const { status, error, value: log } = this.#log;
    let list: unknown;
    if (status === 'error' && error)
      list = html`<p class="error" part="error" role="alert">${errorText(error)}</p>
        <button part="button" type="button" class="small" @click=${() => this.#log.reload()}>${msg('Try again')}</button>`;
    else if (!log || status !== 'ready') list = html`<p class="muted" part="status" role="status">${msg('Loading updates…')}</p>`;
    else if (log.items.length === 0) list = html`<p class="empty">${msg('No updates yet.')}</p>`;
    else
      list = html`<ol class="updates" aria-labelledby="jc-updates-title">
          ${repeat(log.items, (u) => u.id, (u) => this.#renderUpdate(u, steps))}
        </ol>
        ${this.#fileError ? html`<p class="error" part="error" role="alert">${this.#fileError}</p>` : nothing}
        ${this.#moreError ? html`<p class="error" part="error" role="alert">${errorText(this.#moreError)}</p>` : nothing}
        ${log.cursor
          ? html`<button part="button" type="button" class="secondary small" aria-disabled=${this.#loadingMore ? 'true' : 'false'} @click=${() => this.loadMore()}>
              ${this.#loadingMore ? msg('Loading more updates…') : msg('Load more updates')}
            </button>`
          : nothing}`;
    return html`<h3 id="jc-updates-title">${msg('Updates')}</h3>
      ${list} ${composer}`;
  }
}
