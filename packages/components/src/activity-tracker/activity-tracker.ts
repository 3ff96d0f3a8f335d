import { msg, str } from '@lit/localize';
import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { activityEndpoints } from '../api/activities.js';
import type { LiveEvent } from '../api/events.js';
import type { Activity, ActivityStep, Member } from '../api/schemas.js';
import { Reorder } from '../kernel/controllers/reorder.js';
import { JcElement, customElement } from '../kernel/element.js';
import { Tick } from '../kernel/tick.js';
import { LiveController } from '../live.js';
import { localDate } from '../shared/dates.js';
import { StepCompletion } from '../shared/step-completion.js';
import { activityTrackerStyles } from './activity-tracker.styles.js';
import { renderHeader } from './activity-header.js';
import { StepEditor } from './step-editor.js';
import { renderAddSection, renderAddStep } from './step-forms.js';
import { renderSteps } from './step-item.js';
import { moveTarget, newForms, type StepChange } from './steps.js';
import type { TrackerPort } from './tracker-port.js';
import { Updates } from './updates.js';

export { moveTarget, stepGroups, type StepChange } from './steps.js';

/** What live events ask for: the activity read again (1), its updates (2). */
const ACTIVITY = 1;
const UPDATES = 2;

/**
 * An activity: its goal, owner and due date, progress, and its steps in
 * order (in sections), each with a checkbox, an assignee (a member, or the
 * whole group), a due date (overdue ones marked) and who checked it off and
 * when. Members check steps off (at once, with Undo), assign them, set due
 * dates, reorder them by keyboard (Alt+Arrow keys or the Move buttons), add
 * steps and sections, and post updates (Markdown, optionally about one step).
 * Others read it, and are told why they cannot change it. Changes by others
 * arrive live.
 *
 * @element jc-activity-tracker
 * @attr theme - The widget's colour theme: `light`, `dark` or `high-contrast`. Without it the widget takes its `jc-provider`'s `theme`, or else follows the reader's system (`prefers-color-scheme`, and `prefers-contrast: more`). `--jc-*` custom properties set by the page win over any theme.
 * @fires jc-step-changed - The user changed a step and the server took it. `detail` is `{ step, change }`; `change` is `added`, `done`, `undone`, `assigned`, `due-date` or `moved`.
 * @fires jc-activity-changed - The user changed the activity's steps or sections and the server took it (after each `jc-step-changed`, and for a new section). `detail.activity` is the whole activity, as the server answered.
 * @csspart heading - The widget's heading.
 * @csspart panel - The box around the widget.
 * @csspart progress - The progress text and bar.
 * @csspart filter - The "Assigned to me" filter button (aria-pressed).
 * @csspart list - A list of steps.
 * @csspart step - One step.
 * @csspart checkbox - A step's checkbox.
 * @csspart meta - A step's due date, assignee and who checked it off; an update's author, time and the step it is about.
 * @csspart badge - The "Overdue" label, by the activity's due date or a step's.
 * @csspart form - The add-step, add-section and update forms.
 * @csspart input - Inputs, selects and text areas.
 * @csspart update - One update.
 * @csspart body - An update's text.
 * @csspart attachment - An update's file.
 * @csspart tab - The Write and Preview tabs.
 * @csspart preview - The Markdown preview.
 * @csspart button - Every button.
 * @csspart error - An error message.
 * @csspart status - Loading text, why the user cannot change the steps, the Undo message and the announcement of each change.
 * @cssprop --jc-activity-max-width - The widget's largest width (48rem).
 * @cssprop --jc-progress-color - The progress bar's fill (the primary colour).
 * @cssprop --jc-overdue-color - The "Overdue" label and an overdue step's edge (the danger colour).
 * @cssprop --jc-color-surface - The background of the panel and its fields (light #ffffff, dark #1b1b1b, high contrast #ffffff).
 * @cssprop --jc-color-text - Text (light #1b1b1b, dark #f0f0f0, high contrast #000000).
 * @cssprop --jc-color-text-muted - Secondary text: author and date lines, hints, loading text (light #565c65, dark #c6cace, high contrast #2d2e2f).
 * @cssprop --jc-color-border - Borders of the panel, fields and dividers (light #8d9297, dark #8d9297, high contrast #000000).
 * @cssprop --jc-color-primary - Buttons, links and selected items (light #005ea2, dark #73b3e7, high contrast #0b4778).
 * @cssprop --jc-color-on-primary - Text on primary buttons (light #ffffff, dark #1b1b1b, high contrast #ffffff).
 * @cssprop --jc-color-focus - The focus outline's colour (light #0076d6, dark #58b4ff, high contrast #0050d8).
 * @cssprop --jc-color-danger - Error messages and fields in error; overdue steps too, unless `--jc-overdue-color` is set (light #b50909, dark #f8a9a9, high contrast #8b0a03).
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
// The parts this folder's template modules render (manifest/manifest.test.ts reads part attributes only in this file and src/shared):
// step-item.ts part="list step checkbox meta badge input button error"; activity-header.ts part="badge progress status";
// step-forms.ts part="form input button error"; updates.ts part="update meta body attachment status error button";
// step-editor.ts, the update form, with the Markdown editor lazy.ts brings (shared/markdown-editor.ts) part="form input button error tab preview".
@customElement('jc-activity-tracker')
export class JcActivityTracker extends JcElement<[typeof activityEndpoints]> {
  static override resources = [activityEndpoints];
  static override styles = activityTrackerStyles;

  /** The id of the activity to show. */
  @property({ reflect: true }) activity = '';

  /** How many updates to load at a time (1–100). */
  @property({ type: Number, attribute: 'updates-page-size' }) updatesPageSize = 50;

  @state() private mineOnly = false;

  #activity = this.resource({
    load: ([id]) => (id ? this.jc.api.getActivity(id) : Promise.resolve(null)),
    args: () => [this.activity] as const,
    onLoad: () => this.#reset(),
    onReset: () => {
      this.#reset();
      this.announcer.clear();
    },
  });
  /** The community's members (whom a step may be assigned to), for members of it: loaded with the step editor's lazy part, read again quietly on a membership change. */
  #members = this.resource({
    load: async ([slug]) => (slug ? this.#editor.members(slug) : []),
    args: () => [this.#view?.canChangeSteps ? this.#view.communitySlug : undefined] as const,
  });
  #tick = new Tick(this);
  #done = new StepCompletion(this, {
    api: () => this.jc.api,
    onSaved: (activity, step, done) => {
      this.#accept(activity);
      this.#changed(step.id, done ? 'done' : 'undone', activity);
      if (!done) void this.announcer.say(msg(str`Step marked not done: “${step.title}”.`));
    },
    onFailed: (error) => this.#failed(error),
    onUndone: (step) => void this.#focus(`[data-step="${CSS.escape(step.id)}"] [data-control="done"]`),
  });
  #reorder = new Reorder(this, this.announcer, {
    item: 'step',
    enabled: () => !!this.#view?.canChangeSteps && !this.mineOnly,
    move: (id, delta) => this.#move(id, delta as -1 | 1),
  });
  /** What the live events of a burst ask to read again (ACTIVITY, UPDATES). */
  #stale = 0;
  #live = new LiveController(this, this.jc, {
    topics: () => (this.#view ? [`community:${this.#view.communityId}`] : []),
    onEvent: (e) => this.#onLive(e),
    onResync: () => this.#schedule(ACTIVITY | UPDATES),
    refresh: () => void this.#refresh(),
    debounce: 150,
  });
  /** What the templates, the update log and the step editor of this folder use of this element. */
  #port: TrackerPort = {
    host: this,
    forms: newForms(),
    done: this.#done,
    reorder: this.#reorder,
    busy: new Set(),
    errors: new Map(),
    api: () => this.jc.api,
    view: () => this.#view,
    members: () => this.#members.value ?? [],
    mineOnly: () => this.mineOnly,
    now: () => this.#tick.now,
    accept: (next) => this.#accept(next),
    changed: (stepId, change, activity) => this.#changed(stepId, change, activity),
    failed: (err) => this.#failed(err),
    say: (text) => void this.announcer.say(text),
    posted: (update) => this.#updates.posted(update),
    focus: (selector) => void this.#focus(selector),
    edit: () => this.#editor,
  };
  #editor = new StepEditor(this.#port);
  #updates = new Updates(
    this.#port,
    (options) => this.resource(options),
    () => Math.min(100, Math.max(1, Math.trunc(this.updatesPageSize) || 50)),
  );

  /** Loads the activity, its updates and the community's members again. */
  reload(): void {
    this.#activity.reload();
  }

  /** Loads the next page of updates (what "Load more updates" does); resolves when it is shown. */
  loadMoreUpdates(): Promise<void> {
    return this.#updates.loadMore();
  }

  /** Moves a step one place up (-1) or down (+1), keeping focus on the control that moved it. */
  move(stepId: string, delta: -1 | 1, control: 'done' | 'up' | 'down' | 'assignee' | 'due' = 'done'): Promise<void> {
    return this.#reorder.move(stepId, delta, control);
  }

  /** The activity shown: undefined before it loads, null when none was given. */
  get #view(): Activity | null | undefined {
    return this.#activity.value;
  }

  /** Another activity, or none: what belonged to the one shown goes. */
  #reset() {
    const port = this.#port;
    port.busy.clear();
    port.errors.clear();
    for (const form of Object.values(port.forms)) form.error = null;
    this.#done.reset();
  }

  /** A failed request: a lapsed session is checked again; a refusal (a step removed by someone else, a membership ended) reads the activity again. */
  #failed(err: unknown) {
    const error = this.failed(err);
    if (error.status === 404 || error.status === 403) this.#schedule(ACTIVITY);
    return error;
  }

  async #focus(selector: string) {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  /**
   * Takes an answer of the server's as the activity shown, unless it is older
   * than what is shown (an answer overtaken by a later change). Checkboxes
   * set but not yet confirmed keep what the user set.
   */
  #accept(next: Activity) {
    const held = this.#view;
    if (held?.id === next.id && next.version >= held.version) this.#activity.value = next;
  }

  /** Tells the page: `jc-step-changed` (the step as the server has it now) and `jc-activity-changed`. */
  #changed(stepId: string | null, change: StepChange, activity: Activity) {
    const step = activity.steps.find((s) => s.id === stepId);
    if (step) this.emit('jc-step-changed', { step, change });
    this.emit('jc-activity-changed', { activity });
  }

  /* ---------- live ---------- */

  /** Which live events ask for what: false for those that ask for nothing. */
  #onLive(event: LiveEvent): boolean {
    const view = this.#view;
    if (!view) return false;
    // Joined, left, removed: what the user may do (or see) may have changed.
    if (event.type === 'membership.changed' || event.type === 'community.updated') {
      void this.#members.refresh();
      return this.#want(ACTIVITY);
    }
    if (event.payload.activityId !== view.id) return false;
    if (event.type === 'activity.posted') return this.#want(UPDATES);
    const version = event.payload.version;
    return (event.type === 'step.changed' || event.type === 'activity.updated') && (typeof version !== 'number' || version > view.version) && this.#want(ACTIVITY);
  }

  #want(what: number): true {
    this.#stale |= what;
    return true;
  }

  /** Reads `what` again, once for a burst of events. */
  #schedule(what: number) {
    this.#want(what);
    this.#live.schedule();
  }

  /** What the events asked for, read again in place: nothing goes back to "Loading", focus stays on the control it was on. */
  async #refresh() {
    const stale = this.#stale;
    this.#stale = 0;
    if (stale & UPDATES) void this.#updates.refresh(this.jc.session.me?.id);
    if (!(stale & ACTIVITY)) return;
    const focus = this.#reorder.focused();
    const error = await this.#activity.update(async (held) => {
      const next = await this.jc.api.getActivity(held!.id);
      // An answer older than what a change of the user's showed meanwhile is dropped.
      const now = this.#view;
      return now && now.id === next.id && next.version < now.version ? now : next;
    });
    // Gone, or out of reach now (removed from a restricted community): say so as a load would.
    if (error && (error.status === 404 || error.status === 403)) this.reload();
    else if (error === null && focus) await this.#reorder.restore(focus);
  }

  /* ---------- changing steps ---------- */

  /** Moves a step (when it can go that way) and saves it: answers what to announce. */
  async #move(id: string, delta: -1 | 1): Promise<string | null> {
    const view = this.#view;
    const step = view?.steps.find((s) => s.id === id);
    if (!view || !step) return null;
    const target = moveTarget(view, id, delta);
    if (!target) return delta < 0 ? msg(str`“${step.title}” is already first.`) : msg(str`“${step.title}” is already last.`);
    return this.#editor.move(step, target);
  }

  /* ---------- rendering ---------- */

  #renderActivity(view: Activity) {
    const canChange = view.canChangeSteps;
    const port = this.#port;
    return html`${renderHeader(view, view.steps.filter((s: ActivityStep) => this.#done.isDone(s)).length, localDate(new Date(this.#tick.now)))}
      <div class="steps-head">
        <h3 id="jc-steps-title">${msg('Steps')}</h3>
        ${this.mineOnly || view.steps.some((s) => s.assignedToMe)
          ? html`<button
              part="filter button"
              type="button"
              class="small secondary"
              id="jc-mine-only"
              aria-pressed=${this.mineOnly ? 'true' : 'false'}
              @click=${() => (this.mineOnly = !this.mineOnly)}
            >
              ${msg('Assigned to me')}
            </button>`
          : nothing}
      </div>
      ${canChange && !this.mineOnly && view.steps.length > 1 ? html`<p class="hint">${msg('To reorder, use the Move buttons, or Alt+Up and Alt+Down on a step.')}</p>` : nothing}
      ${renderSteps(port, view)} ${this.#done.renderUndo()}
      ${canChange ? html`<div class="forms">${renderAddStep(port, view)} ${renderAddSection(port)}</div>` : nothing}
      ${this.#updates.render(view, canChange ? this.#editor.composer(view) : nothing)}`;
  }

  protected override render() {
    const view = this.#view;
    const options = {
      signedOut: msg('Sign in to JusticeConnect to see this activity.'),
      optIn: msg('Opt in to JusticeConnect to follow and work on activities with officers across agencies.'),
      loading: msg('Loading the activity…'),
      notAvailable: msg('This activity is not available.'),
    };
    return html`<section class="panel" part="panel" aria-labelledby="jc-activity-title">
      <h2 id="jc-activity-title" part="heading" tabindex="-1">${view?.title ?? msg('Activity')}</h2>
      ${this.gate(this.#activity, options) ??
      (this.activity ? (this.loadState(this.#activity, options) ?? this.#renderActivity(view!)) : html`<p class="error" part="error">${msg('No activity was given to show.')}</p>`)}
      ${this.announcer.render()}
    </section>`;
  }
}

declare module '../kernel/element.js' {
  interface JcEventMap {
    'jc-activity-changed': { activity: Activity };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'jc-activity-tracker': JcActivityTracker;
  }
}
