import { msg, str } from '@lit/localize';
import { activityEndpoints } from '../api/activities.js';
import { html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Activity, Todo } from '../api/schemas.js';
import { JcElement, customElement } from '../kernel/element.js';
import { Tick } from '../kernel/tick.js';
import { LiveController } from '../live.js';
import { formatDate, isOverdue, localDate } from '../shared/dates.js';
import { StepCompletion, type CheckableStep } from '../shared/step-completion.js';
import { formatNumber, intlLocale } from '../shared/localization.js';
import { myTodosStyles } from './my-todos.styles.js';

/** Live events after which the list may have changed: steps checked off, added, assigned; activities closed; memberships. */
const TOPICS = ['step.changed', 'step.assigned', 'activity.updated', 'activity.created', 'membership.changed'];

/**
 * The signed-in user's open steps across all their communities: those
 * assigned to them and to the whole group of a community they are a member
 * of, soonest due first (overdue ones marked), each with its activity (a
 * link, by `activity-href`) and community. A checkbox completes a step at
 * once, with Undo. The list follows changes live.
 *
 * @element jc-my-todos
 * @attr theme - The widget's colour theme: `light`, `dark` or `high-contrast`. Without it the widget takes its `jc-provider`'s `theme`, or else follows the reader's system (`prefers-color-scheme`, and `prefers-contrast: more`). `--jc-*` custom properties set by the page win over any theme.
 * @fires jc-step-changed - The user checked a step off, or took it back with Undo, and the server took it. `detail` is `{ step, change }` (`done` or `undone`).
 * @fires jc-activity-select - An activity's link was clicked. `detail` is `{ activityId, title, communitySlug }`. Cancelable: call `preventDefault()` to stop the navigation and route it yourself.
 * @csspart heading - The widget's heading.
 * @csspart panel - The box around the widget.
 * @csspart list - The list of steps.
 * @csspart todo - One step.
 * @csspart checkbox - A step's checkbox.
 * @csspart meta - A step's due date, assignee, activity and community.
 * @csspart link - The link to a step's activity.
 * @csspart badge - The "Overdue" label.
 * @csspart button - Every button.
 * @csspart error - An error message.
 * @csspart status - Loading text, the Undo message and the announcement of each change.
 * @cssprop --jc-todos-max-width - The widget's largest width (36rem).
 * @cssprop --jc-overdue-color - The "Overdue" label and an overdue step's edge (the danger colour).
 * @cssprop --jc-color-surface - The panel's background (light #ffffff, dark #1b1b1b, high contrast #ffffff).
 * @cssprop --jc-color-text - Text (light #1b1b1b, dark #f0f0f0, high contrast #000000).
 * @cssprop --jc-color-text-muted - Secondary text: each step's due date, assignee, activity and community, loading text (light #565c65, dark #c6cace, high contrast #2d2e2f).
 * @cssprop --jc-color-border - Borders of the panel, fields and dividers (light #8d9297, dark #8d9297, high contrast #000000).
 * @cssprop --jc-color-primary - Buttons, links and selected items (light #005ea2, dark #73b3e7, high contrast #0b4778).
 * @cssprop --jc-color-on-primary - Text on primary buttons (light #ffffff, dark #1b1b1b, high contrast #ffffff).
 * @cssprop --jc-color-focus - The focus outline's colour (light #0076d6, dark #58b4ff, high contrast #0050d8).
 * @cssprop --jc-color-danger - Error messages; overdue steps too, unless `--jc-overdue-color` is set (light #b50909, dark #f8a9a9, high contrast #8b0a03).
 * @cssprop --jc-color-danger-surface - Error messages' background (light #f4e3db, dark #3b1414, high contrast #fff3f2).
 * @cssprop --jc-color-success - The edge of the Undo message and of the message that announces the result of an action (light #00a91c, dark #70e17b, high contrast #154c21).
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
@customElement('jc-my-todos')
export class JcMyTodos extends JcElement<[typeof activityEndpoints]> {
  static override resources = [activityEndpoints];
  static override styles = myTodosStyles;

  /** Where an activity's title links to: `{id}` (the activity's id) and `{community}` (its community's slug) are replaced, URL-encoded. */
  @property({ attribute: 'activity-href' }) activityHref = '#activity={id}';

  #todos = this.resource({
    load: () => this.jc.api.myTodos(),
    onLoad: () => this.#done.reset(),
    onReset: () => {
      this.#done.reset();
      this.announcer.clear();
    },
  });
  #done = new StepCompletion(this, {
    api: () => this.jc.api,
    onSaved: (activity, step, done) => void this.#saved(activity, step, done),
    onFailed: (error) => {
      if (error.status === 401) this.failed(error);
      else if (error.status === 403 || error.status === 404) this.#live.schedule();
    },
  });
  #live = new LiveController(this, this.jc, {
    topics: () => (this.#todos.status === 'ready' ? TOPICS : []),
    refresh: () => void this.#refresh(),
  });
  #tick = new Tick(this);

  /** Loads the list again. */
  reload(): void {
    this.#todos.reload();
  }

  get #list(): Todo[] {
    return this.#todos.value ?? [];
  }

  /** The list read again, in place; steps that arrived are announced (but `back`, a step the user took back with Undo), and focus stays (or goes to the heading if its step left). */
  async #refresh(back?: string): Promise<void> {
    const focusedId = this.#focusedStep();
    const before = new Set(this.#list.map((t) => t.id).concat(back ?? []));
    if ((await this.#todos.refresh()) !== null) return;
    const todos = this.#list;
    const arrived = todos.filter((t) => !before.has(t.id));
    await this.updateComplete;
    if (focusedId && !todos.some((t) => t.id === focusedId) && !(this.renderRoot as ShadowRoot).activeElement)
      this.renderRoot.querySelector<HTMLElement>('#jc-todos-title')?.focus();
    const first = arrived[0];
    if (arrived.length === 1 && first) void this.announcer.say(msg(str`New to-do: “${first.title}” in ${first.activityTitle}.`));
    else if (arrived.length > 1) void this.announcer.say(msg(str`${formatNumber(arrived.length)} new to-dos.`));
  }

  #focusedStep(): string | null {
    const active = (this.renderRoot as ShadowRoot).activeElement;
    return active?.closest<HTMLElement>('[data-step]')?.dataset.step ?? null;
  }

  async #focus(selector: string) {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  /**
   * The server took a check-off (the step leaves the list; focus goes to the
   * next one, or to Undo when none is left) or its Undo (the list is read
   * again and focus goes back to the step).
   */
  async #saved(activity: Activity, step: CheckableStep, done: boolean) {
    const now = activity.steps.find((s) => s.id === step.id);
    if (now) this.emit('jc-step-changed', { step: now, change: done ? 'done' : 'undone' });
    if (done) {
      const at = this.#list.findIndex((t) => t.id === step.id);
      const rest = this.#list.filter((t) => t.id !== step.id);
      this.#todos.value = rest;
      const next = rest[Math.min(Math.max(at, 0), rest.length - 1)];
      void this.#focus(next ? `[data-step="${CSS.escape(next.id)}"] input[type="checkbox"]` : '[data-undo]');
      return;
    }
    await this.#refresh(step.id);
    void this.#focus(`[data-step="${CSS.escape(step.id)}"] input[type="checkbox"]`);
    void this.announcer.say(msg(str`Step marked not done: “${step.title}”.`));
  }

  #href(t: Todo): string {
    return this.activityHref.replace(/\{(id|community)\}/g, (_m, key: 'id' | 'community') => encodeURIComponent(key === 'id' ? t.activityId : t.communitySlug));
  }

  #onSelect(event: MouseEvent, t: Todo) {
    // Ctrl-, Cmd- and Shift-clicks open a new tab or window as usual.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (!this.emit('jc-activity-select', { activityId: t.activityId, title: t.activityTitle, communitySlug: t.communitySlug }, true)) event.preventDefault();
  }

  #renderTodo(t: Todo) {
    const locale = intlLocale();
    const done = this.#done.isDone(t);
    const today = localDate(new Date(this.#tick.now));
    const overdue = isOverdue(t.dueDate, done, today);
    const boxId = `jc-todo-${t.id}`;
    const metaId = `jc-todo-${t.id}-meta`;
    const error = this.#done.error(t.id);
    return html`<li class="todo ${done ? 'done' : ''} ${overdue ? 'overdue' : ''}" part="todo" data-step=${t.id}>
      <div class="check">
        <input
          id=${boxId}
          part="checkbox"
          type="checkbox"
          .checked=${done}
          aria-describedby=${metaId}
          @change=${(e: Event) => this.#done.check(t, e)}
        />
        <label for=${boxId} class="title">${t.title}</label>
      </div>
      <p class="meta" part="meta" id=${metaId}>
        ${overdue ? html`<span class="badge overdue" part="badge">${msg('Overdue')}</span>` : nothing}
        ${t.dueDate ? html`<span>${msg('Due')} <time datetime=${t.dueDate}>${formatDate(t.dueDate, locale)}</time></span>` : html`<span>${msg('No due date')}</span>`}
        <span>${t.assignee?.kind === 'group' ? msg('For the whole group') : msg('For you')}</span>
        <span class="where">
          <a part="link" href=${this.#href(t)} @click=${(e: MouseEvent) => this.#onSelect(e, t)}>${t.activityTitle}</a>
          <span class="community">${msg(str`in ${t.communityName}`)}</span>
        </span>
      </p>
      ${error ? html`<p class="error" part="error" role="alert">${error}</p>` : nothing}
    </li>`;
  }

  #renderList(todos: Todo[]) {
    const overdue = todos.filter((t) => isOverdue(t.dueDate, this.#done.isDone(t), localDate(new Date(this.#tick.now)))).length;
    return html`${this.#done.renderUndo()}
      ${todos.length === 0
        ? html`<p class="empty">${msg('Nothing to do.')}</p>`
        : html`<p class="summary">
              ${todos.length === 1 ? msg('1 open step.') : msg(str`${formatNumber(todos.length)} open steps.`)}
              ${overdue === 0 ? nothing : overdue === 1 ? msg('1 is overdue.') : msg(str`${formatNumber(overdue)} are overdue.`)}
            </p>
            <ul class="todos" part="list" aria-labelledby="jc-todos-title">
              ${repeat(todos, (t) => t.id, (t) => this.#renderTodo(t))}
            </ul>`}`;
  }

  protected override render() {
    return html`<section class="panel" part="panel" aria-labelledby="jc-todos-title">
      <h2 id="jc-todos-title" part="heading" tabindex="-1">${msg('My to-dos')}</h2>
      ${this.frame(
        this.#todos,
        {
          signedOut: msg('Sign in to JusticeConnect to see your to-dos.'),
          optIn: msg('Opt in to JusticeConnect to see the steps your communities have for you.'),
          loading: msg('Loading your to-dos…'),
        },
        (todos) => this.#renderList(todos),
      )}
      ${this.announcer.render()}
    </section>`;
  }
}

declare module '../kernel/element.js' {
  interface JcEventMap {
    'jc-activity-select': { activityId: string; title: string; communitySlug: string };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'jc-my-todos': JcMyTodos;
  }
}
