import { msg, str } from '@lit/localize';
import { activityEndpoints } from '../api/activities.js';
import { communityEndpoints } from '../api/communities.js';
import { fire } from '../shared/events.js';
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import { ApiError } from '../api/transport.js';
import type { LiveEvent } from '../api/events.js';
import { toApiError } from '../api/session.js';
import type { Activity, ActivityStep, ActivityUpdate, AssigneeInput, Member, StepMove } from '../api/schemas.js';
import { JcController } from '../context.js';
import { LiveController } from '../live.js';
import { errorText, renderAccountGate, renderSessionState } from '../shared/account-states.js';
import { Announcer } from '../shared/announcer.js';
import { renderAttachment } from '../shared/attachment.js';
import { formatDate, isOverdue, localDate } from '../shared/dates.js';
import { renderField } from '../shared/form-field.js';
import { MarkdownEditor } from '../shared/markdown-editor.js';
import { markdown } from '../shared/markdown.js';
import { StepCompletion } from '../shared/step-completion.js';
import { formatNumber, intlLocale } from '../shared/localization.js';
import { renderTime } from '../shared/time.js';
import { activityTrackerStyles } from './activity-tracker.styles.js';

/** What a step's change was, in `jc-step-changed`. */
export type StepChange = 'added' | 'done' | 'undone' | 'assigned' | 'due-date' | 'moved';

/** One run of steps: those outside any section (id null, first), or one section's. */
interface StepGroup {
  id: string | null;
  title: string | null;
  steps: ActivityStep[];
}

/** The controls of a step that keep focus when it moves (`data-control`). */
type StepControl = 'done' | 'up' | 'down' | 'assignee' | 'due';

const NEW_STEP = { title: 'jc-new-step-title', sectionId: 'jc-new-step-section', assignee: 'jc-new-step-assignee', dueDate: 'jc-new-step-due' } as const;
const NEW_SECTION = 'jc-new-section-title';
const UPDATE_BODY = 'jc-update-body';
const UPDATE_STEP = 'jc-update-step';

/** The steps in groups, in display order: those outside any section first, then each section's. */
export function stepGroups(activity: Pick<Activity, 'sections' | 'steps'>): StepGroup[] {
  const groups: StepGroup[] = [{ id: null, title: null, steps: [] }, ...activity.sections.map((s) => ({ id: s.id, title: s.title, steps: [] as ActivityStep[] }))];
  for (const step of activity.steps) (groups.find((g) => g.id === step.sectionId) ?? groups[0]!).steps.push(step);
  return groups;
}

/**
 * Where a step goes when moved one place up (`-1`) or down (`+1`): within its
 * section, or past the section's edge into the end of the one above (or the
 * start of the one below). Null at the very top or bottom.
 */
export function moveTarget(activity: Pick<Activity, 'sections' | 'steps'>, stepId: string, delta: -1 | 1): StepMove | null {
  const groups = stepGroups(activity);
  const g = groups.findIndex((group) => group.steps.some((s) => s.id === stepId));
  if (g < 0) return null;
  const i = groups[g]!.steps.findIndex((s) => s.id === stepId);
  const inGroup = groups[g]!.steps.length;
  if (delta < 0 && i > 0) return { index: i - 1 };
  if (delta > 0 && i < inGroup - 1) return { index: i + 1 };
  const next = groups[g + delta];
  if (!next) return null;
  return { index: delta < 0 ? next.steps.length : 0, sectionId: next.id };
}

const assigneeValue = (step: Pick<ActivityStep, 'assignee'>): string =>
  step.assignee === null ? '' : step.assignee.kind === 'group' ? 'group' : `user:${step.assignee.id}`;

const assigneeInput = (value: string): AssigneeInput =>
  value === 'group' ? { kind: 'group' } : value.startsWith('user:') ? { kind: 'user', id: value.slice(5) } : null;

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
@customElement('jc-activity-tracker')
export class JcActivityTracker extends LitElement {
  static override styles = activityTrackerStyles;

  /** The JusticeConnect server, when the widget is used without a `jc-provider`. */
  @property() api: string | undefined;

  /** The id of the activity to show. */
  @property({ reflect: true }) activity = '';

  /** How many updates to load at a time (1–100). */
  @property({ type: Number, attribute: 'updates-page-size' }) updatesPageSize = 50;

  @state() private status: 'idle' | 'loading' | 'ready' | 'error' = 'idle';
  @state() private loadError: ApiError | null = null;
  @state() private view: Activity | null = null;
  @state() private members: Member[] = [];
  @state() private mineOnly = false;
  /** Steps with an assignment, due date or move on its way. */
  @state() private busy = new Set<string>();
  /** Why a change to a step (other than checking it off) failed. */
  @state() private stepErrors = new Map<string, string>();
  @state() private stepFormBusy = false;
  @state() private stepFormError: ApiError | null = null;
  @state() private sectionFormBusy = false;
  @state() private sectionFormError: ApiError | null = null;
  @state() private updates: ActivityUpdate[] = [];
  @state() private updatesStatus: 'loading' | 'ready' | 'error' = 'loading';
  @state() private updatesError: ApiError | null = null;
  @state() private updatesCursor: string | null = null;
  @state() private loadingMoreUpdates = false;
  @state() private moreUpdatesError: ApiError | null = null;
  @state() private updateFormBusy = false;
  @state() private updateFormError: ApiError | null = null;
  @state() private fileError: string | null = null;
  @state() private optingIn = false;
  @state() private now = Date.now();

  #jc = new JcController(this, activityEndpoints, communityEndpoints);
  #announcer = new Announcer(this);
  #editor = new MarkdownEditor(this, UPDATE_BODY);
  #done = new StepCompletion(this, {
    api: () => this.#jc.api,
    onSaved: (activity, step, done) => {
      this.#accept(activity);
      this.#changed(step.id, done ? 'done' : 'undone', activity);
      if (!done) void this.#announcer.say(msg(str`Step marked not done: “${step.title}”.`));
    },
    onFailed: (error) => this.#failed(error),
    onUndone: (step) => void this.#focus(`[data-step="${CSS.escape(step.id)}"] [data-control="done"]`),
  });
  #live = new LiveController(this, this.#jc, {
    topics: () => (this.view && this.status === 'ready' ? [`community:${this.view.communityId}`] : []),
    onEvent: (e) => this.#onLive(e),
    onResync: () => {
      this.#scheduleRefresh();
      this.#scheduleUpdates();
    },
  });
  /** Who and which activity the widget was loaded for; a change loads it again. */
  #loadedFor: string | null = null;
  /** Answers to older loads are dropped. */
  #generation = 0;
  /** Moves go one after another, each from the order the previous one left. */
  #moves: Promise<void> = Promise.resolve();
  /** The cursor the last page of updates was read from (undefined: the first page). */
  #lastUpdatesCursor: string | undefined;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;
  #updatesTimer: ReturnType<typeof setTimeout> | undefined;
  #clock: ReturnType<typeof setInterval> | undefined;

  /** Loads the activity, its updates and the community's members again. */
  reload(): void {
    this.#loadedFor = this.#loadKey();
    void this.#load();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#clock = setInterval(() => (this.now = Date.now()), 30_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#clock);
    clearTimeout(this.#refreshTimer);
    clearTimeout(this.#updatesTimer);
  }

  #loadKey(): string | null {
    const s = this.#jc.session.state;
    if (s.status !== 'signed-in') return null;
    return [s.me.id, s.me.optedIn, s.me.status ?? '', this.activity].join('|');
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
      this.#announcer.clear();
    }
  }

  #reset() {
    this.loadError = null;
    this.view = null;
    this.members = [];
    this.busy = new Set();
    this.stepErrors = new Map();
    this.stepFormError = null;
    this.sectionFormError = null;
    this.updates = [];
    this.updatesStatus = 'loading';
    this.updatesError = null;
    this.updatesCursor = null;
    this.moreUpdatesError = null;
    this.updateFormError = null;
    this.fileError = null;
    this.#lastUpdatesCursor = undefined;
    this.#done.reset();
  }

  /** A failed request: a lapsed session signs the widget out; a refusal reads the activity again. */
  #failed(error: ApiError) {
    if (error.status === 401) void this.#jc.session.refresh();
    // A step removed by someone else, a membership ended: show the activity as it is now.
    else if (error.status === 404 || error.status === 403) this.#scheduleRefresh(0);
  }

  get #locale(): string | undefined {
    return intlLocale();
  }

  get #today(): string {
    return localDate(new Date(this.now));
  }

  async #focus(selector: string) {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  /* ---------- loading ---------- */

  async #load() {
    const generation = ++this.#generation;
    this.status = 'loading';
    this.#reset();
    if (!this.activity) {
      this.status = 'ready';
      return;
    }
    try {
      const view = await this.#jc.api.getActivity(this.activity);
      if (generation !== this.#generation) return;
      this.view = view;
      this.status = 'ready';
      void this.#loadUpdates();
      if (view.canChangeSteps) void this.#loadMembers();
    } catch (err) {
      if (generation !== this.#generation) return;
      const error = toApiError(err);
      if (error.status === 401) void this.#jc.session.refresh();
      this.loadError = error;
      this.status = 'error';
    }
  }

  /**
   * Takes an answer of the server's as the activity shown, unless it is older
   * than what is shown (an answer overtaken by a later change). Checkboxes
   * set but not yet confirmed keep what the user set.
   */
  #accept(next: Activity): boolean {
    const held = this.view;
    if (!held || held.id !== next.id) return false;
    if (next.version < held.version) return false;
    this.view = next;
    if (next.canChangeSteps && !held.canChangeSteps) void this.#loadMembers();
    return true;
  }

  async #loadMembers() {
    const view = this.view;
    if (!view) return;
    try {
      const members = await this.#jc.api.listMembers(view.communitySlug);
      if (this.view?.id === view.id) this.members = members;
    } catch {
      // Without the list, a step can still go to nobody, the whole group, or stay with whom it has.
    }
  }

  /* ---------- live ---------- */

  #onLive(event: LiveEvent) {
    const view = this.view;
    if (this.status !== 'ready' || !view) return;
    if (event.type === 'membership.changed' || event.type === 'community.updated') {
      // Joined, left, removed: what the user may do (or see) may have changed.
      this.#scheduleRefresh();
      if (view.canChangeSteps) void this.#loadMembers();
      return;
    }
    if (event.payload.activityId !== view.id) return;
    if (event.type === 'activity.posted') {
      this.#scheduleUpdates();
      return;
    }
    if (event.type === 'step.changed' || event.type === 'activity.updated') {
      const version = typeof event.payload.version === 'number' ? event.payload.version : Number.POSITIVE_INFINITY;
      if (version > view.version) this.#scheduleRefresh();
    }
  }

  /** Reads the activity again once for a burst of events. */
  #scheduleRefresh(delay = 150) {
    if (!this.#loadedFor) return;
    clearTimeout(this.#refreshTimer);
    this.#refreshTimer = setTimeout(() => void this.#refresh(), delay);
  }

  #scheduleUpdates() {
    if (!this.#loadedFor) return;
    clearTimeout(this.#updatesTimer);
    this.#updatesTimer = setTimeout(() => void this.#refreshUpdates(), 150);
  }

  /** The activity read again, in place: nothing goes back to "Loading", focus stays on the control it was on. */
  async #refresh() {
    if (this.status !== 'ready' || !this.view) return;
    const generation = this.#generation;
    const focus = this.#focusedControl();
    try {
      const next = await this.#jc.api.getActivity(this.view.id);
      if (generation !== this.#generation) return;
      if (this.#accept(next) && focus) await this.#restoreFocus(focus);
    } catch (err) {
      const error = toApiError(err);
      if (generation !== this.#generation) return;
      if (error.status === 401) void this.#jc.session.refresh();
      // Gone, or out of reach now (removed from a restricted community): say so as a load would.
      else if (error.status === 404 || error.status === 403) this.reload();
    }
  }

  /** Which step control has focus (moving a step's DOM drops focus: it is put back). */
  #focusedControl(): { step: string; control: string } | null {
    const active = (this.renderRoot as ShadowRoot).activeElement as HTMLElement | null;
    const row = active?.closest<HTMLElement>('[data-step]');
    return row && active?.dataset.control ? { step: row.dataset.step!, control: active.dataset.control } : null;
  }

  async #restoreFocus(at: { step: string; control: string }) {
    await this.updateComplete;
    const root = this.renderRoot as ShadowRoot;
    if (root.activeElement) return;
    const row = root.querySelector<HTMLElement>(`[data-step="${CSS.escape(at.step)}"]`);
    (row?.querySelector<HTMLElement>(`[data-control="${at.control}"]`) ?? row?.querySelector<HTMLElement>('[data-control="done"]'))?.focus();
  }

  /* ---------- updates ---------- */

  #updatesLimit(): number {
    return Math.min(100, Math.max(1, Math.trunc(this.updatesPageSize) || 50));
  }

  async #loadUpdates() {
    const view = this.view;
    if (!view) return;
    const generation = this.#generation;
    this.updatesStatus = 'loading';
    this.updatesError = null;
    try {
      const page = await this.#jc.api.listActivityUpdates(view.id, { limit: this.#updatesLimit() });
      if (generation !== this.#generation) return;
      this.updates = page.items;
      this.updatesCursor = page.nextCursor;
      this.#lastUpdatesCursor = undefined;
      this.updatesStatus = 'ready';
    } catch (err) {
      if (generation !== this.#generation) return;
      const error = toApiError(err);
      this.#failed(error);
      this.updatesError = error;
      this.updatesStatus = 'error';
    }
  }

  /** Loads the next page of updates (what "Load more updates" does); resolves when it is shown. */
  async loadMoreUpdates(): Promise<void> {
    const view = this.view;
    const cursor = this.updatesCursor;
    if (!view || !cursor || this.loadingMoreUpdates) return;
    const generation = this.#generation;
    this.loadingMoreUpdates = true;
    this.moreUpdatesError = null;
    try {
      const page = await this.#jc.api.listActivityUpdates(view.id, { cursor, limit: this.#updatesLimit() });
      if (generation !== this.#generation) return;
      const fresh = this.#merge(page.items);
      this.updatesCursor = page.nextCursor;
      this.#lastUpdatesCursor = cursor;
      const first = fresh[0];
      if (first) void this.#focus(`[data-update="${CSS.escape(first.id)}"]`);
      void this.#announcer.say(fresh.length === 1 ? msg('1 more update shown.') : msg(str`${formatNumber(fresh.length)} more updates shown.`));
    } catch (err) {
      if (generation !== this.#generation) return;
      const error = toApiError(err);
      this.#failed(error);
      this.moreUpdatesError = error;
    } finally {
      if (generation === this.#generation) this.loadingMoreUpdates = false;
    }
    await this.updateComplete;
  }

  /** Adds updates not shown yet at the end; returns them. */
  #merge(items: ActivityUpdate[]): ActivityUpdate[] {
    const known = new Set(this.updates.map((u) => u.id));
    const fresh = items.filter((u) => !known.has(u.id));
    if (fresh.length) this.updates = [...this.updates, ...fresh];
    return fresh;
  }

  /** New updates (posted live): read from the last page on, when every earlier one is shown. */
  async #refreshUpdates() {
    const view = this.view;
    if (!view || this.updatesStatus !== 'ready' || this.loadingMoreUpdates || this.updatesCursor) return;
    const generation = this.#generation;
    try {
      const page = await this.#jc.api.listActivityUpdates(view.id, { cursor: this.#lastUpdatesCursor, limit: this.#updatesLimit() });
      if (generation !== this.#generation) return;
      const fresh = this.#merge(page.items);
      this.updatesCursor = page.nextCursor;
      const me = this.#jc.session.me?.id;
      const others = fresh.filter((u) => u.author.id !== me);
      if (others.length === 1) void this.#announcer.say(msg(str`New update from ${others[0]!.author.name}.`));
      else if (others.length > 1) void this.#announcer.say(msg(str`${formatNumber(others.length)} new updates.`));
    } catch (err) {
      this.#failed(toApiError(err));
    }
  }

  /* ---------- changing steps ---------- */

  #setBusy(stepId: string, on: boolean) {
    const next = new Set(this.busy);
    if (on) next.add(stepId);
    else next.delete(stepId);
    this.busy = next;
  }

  #setStepError(stepId: string, text: string | null) {
    const next = new Map(this.stepErrors);
    if (text) next.set(stepId, text);
    else next.delete(stepId);
    this.stepErrors = next;
  }

  /** Tells the page: `jc-step-changed` (the step as the server has it now) and `jc-activity-changed`. */
  #changed(stepId: string, change: StepChange, activity: Activity) {
    const step = activity.steps.find((s) => s.id === stepId);
    if (step) fire(this, 'jc-step-changed', { step, change });
    fire(this, 'jc-activity-changed', { activity });
  }

  /** A change to one step (assignee, due date, move), with its error shown next to it if refused. */
  async #stepWrite(step: ActivityStep, change: StepChange, write: () => Promise<Activity>, failure: string): Promise<Activity | null> {
    this.#setBusy(step.id, true);
    this.#setStepError(step.id, null);
    try {
      const activity = await write();
      this.#accept(activity);
      this.#changed(step.id, change, activity);
      return activity;
    } catch (err) {
      const error = toApiError(err);
      this.#failed(error);
      this.#setStepError(step.id, `${failure} ${errorText(error)}`);
      // The controls show the server's value again.
      this.requestUpdate();
      return null;
    } finally {
      this.#setBusy(step.id, false);
    }
  }

  #onCheck(step: ActivityStep, event: Event) {
    const box = event.target as HTMLInputElement;
    void this.#done.set(step, box.checked);
  }

  async #onAssign(step: ActivityStep, event: Event) {
    const value = (event.target as HTMLSelectElement).value;
    const saved = await this.#stepWrite(step, 'assigned', () => this.#jc.api.updateStep(step.id, { assignee: assigneeInput(value) }), msg(str`Could not assign “${step.title}”:`));
    if (!saved) return;
    const now = saved.steps.find((s) => s.id === step.id)?.assignee ?? null;
    void this.#announcer.say(
      now === null
        ? msg(str`“${step.title}” is not assigned to anyone.`)
        : now.kind === 'group'
          ? msg(str`“${step.title}” assigned to the whole group.`)
          : msg(str`“${step.title}” assigned to ${now.name}.`),
    );
  }

  async #onDueDate(step: ActivityStep, event: Event) {
    const input = event.target as HTMLInputElement;
    const value = input.value;
    if (value === (step.dueDate ?? '')) return;
    if (value && !/^\d{4}-\d{2}-\d{2}$/.test(value)) return;
    const saved = await this.#stepWrite(step, 'due-date', () => this.#jc.api.updateStep(step.id, { dueDate: value || null }), msg(str`Could not change the due date of “${step.title}”:`));
    if (!saved) return;
    void this.#announcer.say(value ? msg(str`“${step.title}” is due ${formatDate(value, this.#locale)}.`) : msg(str`“${step.title}” has no due date now.`));
  }

  /** Moves a step one place up (-1) or down (+1), keeping focus on the control that moved it. */
  move(stepId: string, delta: -1 | 1, control: StepControl = 'done'): Promise<void> {
    this.#moves = this.#moves.then(() => this.#doMove(stepId, delta, control));
    return this.#moves;
  }

  async #doMove(stepId: string, delta: -1 | 1, control: StepControl) {
    const view = this.view;
    const step = view?.steps.find((s) => s.id === stepId);
    if (!view || !step || !view.canChangeSteps || this.mineOnly) return;
    const target = moveTarget(view, stepId, delta);
    if (!target) {
      void this.#announcer.say(delta < 0 ? msg(str`“${step.title}” is already first.`) : msg(str`“${step.title}” is already last.`));
      return;
    }
    const saved = await this.#stepWrite(step, 'moved', () => this.#jc.api.moveStep(stepId, target), msg(str`Could not move “${step.title}”:`));
    // Moving the row's DOM drops focus: it goes back where it was.
    await this.#restoreFocus({ step: stepId, control });
    if (!saved) return;
    const group = stepGroups(this.view ?? saved).find((g) => g.steps.some((s) => s.id === stepId));
    if (!group) return;
    const at = group.steps.findIndex((s) => s.id === stepId) + 1;
    const of = group.steps.length;
    const sectioned = (this.view ?? saved).sections.length > 0;
    void this.#announcer.say(
      group.title
        ? msg(str`Moved to position ${at} of ${formatNumber(of)} in ${group.title}.`)
        : sectioned
          ? msg(str`Moved to position ${at} of ${formatNumber(of)}, before the sections.`)
          : msg(str`Moved to position ${at} of ${formatNumber(of)}.`),
    );
  }

  #onStepKey(step: ActivityStep, event: KeyboardEvent) {
    if (!event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
    const origin = event.composedPath()[0] as HTMLElement | undefined;
    // Alt+Arrow opens a select's list or a date picker: leave those alone.
    if (!origin || origin.tagName === 'SELECT' || (origin instanceof HTMLInputElement && origin.type === 'date')) return;
    if (!this.view?.canChangeSteps || this.mineOnly) return;
    event.preventDefault();
    const control = (origin.dataset.control as StepControl | undefined) ?? 'done';
    void this.move(step.id, event.key === 'ArrowUp' ? -1 : 1, control);
  }

  /* ---------- adding steps and sections ---------- */

  #stepFieldError(field: keyof typeof NEW_STEP): string | undefined {
    const fields = this.stepFormError?.fields ?? {};
    return fields[field] ?? Object.entries(fields).find(([k]) => k.startsWith(`${field}.`))?.[1];
  }

  async #onAddStep(event: SubmitEvent) {
    event.preventDefault();
    const view = this.view;
    if (!view || this.stepFormBusy) return;
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const title = String(data.get('title') ?? '').trim();
    if (!title) {
      this.stepFormError = new ApiError(400, 'VALIDATION_FAILED', msg('Some fields need your attention.'), { title: msg('Give the step a title') });
      void this.#focus(`#${NEW_STEP.title}`);
      return;
    }
    const sectionId = String(data.get('sectionId') ?? '') || null;
    const dueDate = String(data.get('dueDate') ?? '') || null;
    const assignee = assigneeInput(String(data.get('assignee') ?? ''));
    this.stepFormBusy = true;
    this.stepFormError = null;
    try {
      const before = new Set(view.steps.map((s) => s.id));
      const activity = await this.#jc.api.addStep(view.id, { title, sectionId, assignee, dueDate });
      this.#accept(activity);
      const added = activity.steps.find((s) => !before.has(s.id));
      if (added) this.#changed(added.id, 'added', activity);
      // Ready for the next one: the title empties, the other choices stay.
      (form.elements.namedItem('title') as HTMLInputElement).value = '';
      void this.#focus(`#${NEW_STEP.title}`);
      void this.#announcer.say(msg(str`Step added: “${title}”.`));
    } catch (err) {
      const error = toApiError(err);
      this.#failed(error);
      this.stepFormError = error;
      const first = (Object.keys(NEW_STEP) as (keyof typeof NEW_STEP)[]).find((f) => this.#stepFieldError(f));
      void this.#focus(first ? `#${NEW_STEP[first]}` : '#jc-new-step-error');
    } finally {
      this.stepFormBusy = false;
    }
  }

  async #onAddSection(event: SubmitEvent) {
    event.preventDefault();
    const view = this.view;
    if (!view || this.sectionFormBusy) return;
    const form = event.target as HTMLFormElement;
    const title = String(new FormData(form).get('title') ?? '').trim();
    if (!title) {
      this.sectionFormError = new ApiError(400, 'VALIDATION_FAILED', msg('Give the section a title'), { title: msg('Give the section a title') });
      void this.#focus(`#${NEW_SECTION}`);
      return;
    }
    this.sectionFormBusy = true;
    this.sectionFormError = null;
    try {
      const activity = await this.#jc.api.addSection(view.id, title);
      this.#accept(activity);
      fire(this, 'jc-activity-changed', { activity });
      form.reset();
      void this.#announcer.say(msg(str`Section added: “${title}”.`));
    } catch (err) {
      const error = toApiError(err);
      this.#failed(error);
      this.sectionFormError = error;
      void this.#focus(`#${NEW_SECTION}`);
    } finally {
      this.sectionFormBusy = false;
    }
  }

  /* ---------- posting updates ---------- */

  async #onPostUpdate(event: SubmitEvent) {
    event.preventDefault();
    const view = this.view;
    if (!view || this.updateFormBusy) return;
    const form = event.target as HTMLFormElement;
    const body = this.#editor.value;
    const stepId = String(new FormData(form).get('stepId') ?? '') || undefined;
    if (!body.trim()) {
      this.updateFormError = new ApiError(400, 'VALIDATION_FAILED', msg('Write something'), { body: msg('Write something') });
      void this.#editor.write(true);
      return;
    }
    this.updateFormBusy = true;
    this.updateFormError = null;
    try {
      const update = await this.#jc.api.postActivityUpdate(view.id, { body, ...(stepId ? { stepId } : {}) });
      this.#editor.clear();
      form.reset();
      if (!this.updatesCursor && this.updatesStatus === 'ready') {
        this.#merge([update]);
        void this.#focus(`[data-update="${CSS.escape(update.id)}"]`);
        void this.#announcer.say(msg('Your update was posted.'));
      } else {
        void this.#announcer.say(msg('Your update was posted. Load more updates to see it.'));
      }
    } catch (err) {
      const error = toApiError(err);
      this.#failed(error);
      this.updateFormError = error;
      if (error.fields.body) void this.#editor.write(true);
      else void this.#focus('#jc-update-error');
    } finally {
      this.updateFormBusy = false;
    }
  }

  async #onOptIn() {
    this.optingIn = true;
    try {
      await this.#jc.session.update({ optedIn: true });
      if (this.status !== 'loading') this.reload();
    } catch (err) {
      const error = toApiError(err);
      this.#failed(error);
      this.loadError = error;
    } finally {
      this.optingIn = false;
    }
  }

  /* ---------- rendering ---------- */

  #renderHeader(view: Activity, steps: ActivityStep[]) {
    const locale = this.#locale;
    const done = steps.filter((s) => this.#done.isDone(s)).length;
    const total = steps.length;
    const progress = total === 1 ? msg(str`${formatNumber(done)} of 1 step done`) : msg(str`${formatNumber(done)} of ${formatNumber(total)} steps done`);
    const overdue = view.status === 'active' && isOverdue(view.dueDate, false, this.#today);
    const statusText = view.status === 'completed' ? msg('Completed') : view.status === 'cancelled' ? msg('Cancelled') : null;
    return html`${view.goal ? html`<p class="goal">${view.goal}</p>` : nothing}
      <dl class="facts">
        <div><dt>${msg('Owner')}</dt><dd>${view.owner.name}</dd></div>
        <div>
          <dt>${msg('Due')}</dt>
          <dd>
            ${view.dueDate ? html`<time datetime=${view.dueDate}>${formatDate(view.dueDate, locale)}</time>` : msg('No due date')}
            ${overdue ? html`<span class="badge overdue" part="badge">${msg('Overdue')}</span>` : nothing}
          </dd>
        </div>
        <div><dt>${msg('Community')}</dt><dd>${view.communityName}</dd></div>
        ${statusText ? html`<div><dt>${msg('Status')}</dt><dd>${statusText}</dd></div>` : nothing}
      </dl>
      <div class="progress" part="progress">
        <label for="jc-activity-progress" id="jc-activity-progress-label">${progress}</label>
        <progress id="jc-activity-progress" max=${Math.max(total, 1)} .value=${done}></progress>
      </div>`;
  }

  /** Why the user cannot change the steps (when they cannot). */
  #renderReadOnlyNote(view: Activity) {
    if (view.canChangeSteps) return nothing;
    const text = view.template
      ? msg('This is a template: only the community’s owners and moderators change it.')
      : msg(str`You are not a member of ${view.communityName}: you can follow this activity, but only members check off, assign and add steps or post updates.`);
    return html`<p class="note" part="status" id="jc-activity-read-only">${text}</p>`;
  }

  #renderAssignee(step: ActivityStep, off: boolean) {
    const id = `jc-step-${step.id}-assignee`;
    const value = assigneeValue(step);
    const known = new Set(this.members.map((m) => m.userId));
    const extra = step.assignee?.kind === 'user' && !known.has(step.assignee.id) ? step.assignee : null;
    return html`<div class="control">
      <label for=${id}>${msg('Assignee')}<span class="visually-hidden">: ${step.title}</span></label>
      <select id=${id} part="input" data-control="assignee" .value=${live(value)} aria-busy=${off ? 'true' : 'false'} @change=${(e: Event) => this.#onAssign(step, e)}>
        <option value="" ?selected=${value === ''}>${msg('Nobody')}</option>
        <option value="group" ?selected=${value === 'group'}>${msg('The whole group')}</option>
        ${extra ? html`<option value=${`user:${extra.id}`} selected>${extra.name}</option>` : nothing}
        ${this.members.map((m) => html`<option value=${`user:${m.userId}`} ?selected=${value === `user:${m.userId}`}>${m.name}</option>`)}
      </select>
    </div>`;
  }

  #renderStepControls(step: ActivityStep, first: boolean, last: boolean) {
    const off = this.busy.has(step.id);
    const dueId = `jc-step-${step.id}-due`;
    return html`<div class="controls">
      ${this.#renderAssignee(step, off)}
      <div class="control">
        <label for=${dueId}>${msg('Due date')}<span class="visually-hidden">: ${step.title}</span></label>
        <input id=${dueId} part="input" type="date" data-control="due" .value=${live(step.dueDate ?? '')} aria-busy=${off ? 'true' : 'false'} @change=${(e: Event) => this.#onDueDate(step, e)} />
      </div>
      ${this.mineOnly
        ? nothing
        : html`<div class="move" role="group" aria-label=${msg(str`Move “${step.title}”`)}>
            <button
              part="button"
              type="button"
              class="small secondary"
              data-control="up"
              aria-disabled=${first || off ? 'true' : 'false'}
              aria-keyshortcuts="Alt+ArrowUp"
              @click=${() => !first && void this.move(step.id, -1, 'up')}
            >
              <span aria-hidden="true">↑</span> ${msg('Move up')}<span class="visually-hidden">: ${step.title}</span>
            </button>
            <button
              part="button"
              type="button"
              class="small secondary"
              data-control="down"
              aria-disabled=${last || off ? 'true' : 'false'}
              aria-keyshortcuts="Alt+ArrowDown"
              @click=${() => !last && void this.move(step.id, 1, 'down')}
            >
              <span aria-hidden="true">↓</span> ${msg('Move down')}<span class="visually-hidden">: ${step.title}</span>
            </button>
          </div>`}
    </div>`;
  }

  #renderStep(step: ActivityStep, canChange: boolean, first: boolean, last: boolean) {
    const locale = this.#locale;
    const done = this.#done.isDone(step);
    const overdue = isOverdue(step.dueDate, done, this.#today);
    const boxId = `jc-step-${step.id}`;
    const metaId = `jc-step-${step.id}-meta`;
    const error = this.#done.error(step.id) ?? this.stepErrors.get(step.id);
    const doneBy = step.done && step.doneBy ? step.doneBy : null;
    const hasMeta = overdue || !canChange || doneBy !== null;
    const assignee = step.assignee === null ? msg('Not assigned') : step.assignee.kind === 'group' ? msg('The whole group') : msg(str`Assigned to ${step.assignee.name}`);
    return html`<li
      class="step ${done ? 'done' : ''} ${overdue ? 'overdue' : ''}"
      part="step"
      data-step=${step.id}
      @keydown=${(e: KeyboardEvent) => this.#onStepKey(step, e)}
    >
      <div class="check">
        <input
          id=${boxId}
          part="checkbox"
          type="checkbox"
          data-control="done"
          aria-keyshortcuts=${canChange && !this.mineOnly ? 'Alt+ArrowUp Alt+ArrowDown' : nothing}
          .checked=${live(done)}
          ?disabled=${!canChange}
          aria-describedby=${[hasMeta ? metaId : '', canChange ? '' : 'jc-activity-read-only'].filter(Boolean).join(' ') || nothing}
          @change=${(e: Event) => this.#onCheck(step, e)}
        />
        <label for=${boxId} class="title">${step.title}</label>
      </div>
      ${hasMeta
        ? html`<p class="meta" part="meta" id=${metaId}>
            ${overdue ? html`<span class="badge overdue" part="badge">${msg('Overdue')}</span>` : nothing}
            ${canChange
              ? nothing
              : html`<span>${assignee}</span>
                  ${step.dueDate ? html`<span>${msg('Due')} <time datetime=${step.dueDate}>${formatDate(step.dueDate, locale)}</time></span>` : nothing}`}
            ${doneBy ? html`<span class="done-by">${msg(str`Done by ${doneBy.name}`)} ${step.doneAt ? renderTime(step.doneAt, this.now, locale) : nothing}</span>` : nothing}
          </p>`
        : nothing}
      ${canChange ? this.#renderStepControls(step, first, last) : nothing}
      ${error ? html`<p class="error" part="error" role="alert">${error}</p>` : nothing}
    </li>`;
  }

  #renderSteps(view: Activity) {
    const canChange = view.canChangeSteps;
    const me = (s: ActivityStep) => !this.mineOnly || s.assignedToMe;
    const groups = stepGroups(view);
    if (view.steps.length === 0)
      return html`<p class="empty">${msg('No steps yet.')}${canChange ? html` ${msg('Add the first one below.')}` : nothing}</p>`;
    if (this.mineOnly && !view.steps.some(me)) return html`<p class="empty">${msg('No steps are assigned to you.')}</p>`;
    return groups.map((group) => {
      const steps = group.steps.filter(me);
      if (!group.title && steps.length === 0) return nothing;
      const headingId = group.id ? `jc-section-${group.id}` : 'jc-steps-title';
      return html`${group.title ? html`<h4 id=${headingId} class="section">${group.title}</h4>` : nothing}
        ${steps.length
          ? html`<ol class="steps" part="list" aria-labelledby=${headingId}>
              ${repeat(
                steps,
                (s) => s.id,
                (s) => this.#renderStep(s, canChange, !moveTarget(view, s.id, -1), !moveTarget(view, s.id, 1)),
              )}
            </ol>`
          : html`<p class="muted">${this.mineOnly ? msg('None assigned to you here.') : msg('No steps in this section yet.')}</p>`}`;
    });
  }

  #renderAddStep(view: Activity) {
    const off = this.stepFormBusy;
    const error = this.stepFormError;
    const unshown = error && !(Object.keys(NEW_STEP) as (keyof typeof NEW_STEP)[]).some((f) => this.#stepFieldError(f)) ? error : null;
    return html`<form class="add-step" part="form" aria-labelledby="jc-new-step-heading" novalidate @submit=${this.#onAddStep}>
      <h4 id="jc-new-step-heading">${msg('Add a step')}</h4>
      <div class="row">
        ${renderField(
          { id: NEW_STEP.title, label: msg('Step'), error: this.#stepFieldError('title') },
          (a) => html`<input id=${NEW_STEP.title} part="input" name="title" maxlength="200" autocomplete="off" aria-describedby=${a.describedBy ?? nothing} aria-invalid=${a.invalid} ?disabled=${off} />`,
        )}
        ${view.sections.length
          ? renderField(
              { id: NEW_STEP.sectionId, label: msg('Section'), error: this.#stepFieldError('sectionId') },
              (a) => html`<select id=${NEW_STEP.sectionId} part="input" name="sectionId" aria-describedby=${a.describedBy ?? nothing} aria-invalid=${a.invalid} ?disabled=${off}>
                <option value="">${msg('No section')}</option>
                ${view.sections.map((s) => html`<option value=${s.id}>${s.title}</option>`)}
              </select>`,
            )
          : nothing}
        ${renderField(
          { id: NEW_STEP.assignee, label: msg('Assignee'), error: this.#stepFieldError('assignee') },
          (a) => html`<select id=${NEW_STEP.assignee} part="input" name="assignee" aria-describedby=${a.describedBy ?? nothing} aria-invalid=${a.invalid} ?disabled=${off}>
            <option value="">${msg('Nobody')}</option>
            <option value="group">${msg('The whole group')}</option>
            ${this.members.map((m) => html`<option value=${`user:${m.userId}`}>${m.name}</option>`)}
          </select>`,
        )}
        ${renderField(
          { id: NEW_STEP.dueDate, label: msg('Due date'), error: this.#stepFieldError('dueDate') },
          (a) => html`<input id=${NEW_STEP.dueDate} part="input" type="date" name="dueDate" aria-describedby=${a.describedBy ?? nothing} aria-invalid=${a.invalid} ?disabled=${off} />`,
        )}
      </div>
      ${unshown ? html`<p class="error" part="error" role="alert" id="jc-new-step-error" tabindex="-1">${errorText(unshown)}</p>` : nothing}
      <div class="form-actions">
        <button part="button" type="submit" aria-disabled=${off ? 'true' : 'false'}>${off ? msg('Adding…') : msg('Add step')}</button>
      </div>
    </form>`;
  }

  #renderAddSection() {
    const off = this.sectionFormBusy;
    const error = this.sectionFormError;
    return html`<form class="add-section" part="form" aria-labelledby="jc-new-section-heading" novalidate @submit=${this.#onAddSection}>
      <h4 id="jc-new-section-heading">${msg('Add a section')}</h4>
      <div class="row">
        ${renderField(
          { id: NEW_SECTION, label: msg('Section title'), error: error ? (error.fields.title ?? errorText(error)) : null },
          (a) => html`<input id=${NEW_SECTION} part="input" name="title" maxlength="200" autocomplete="off" aria-describedby=${a.describedBy ?? nothing} aria-invalid=${a.invalid} ?disabled=${off} />`,
        )}
        <button part="button" type="submit" class="secondary" aria-disabled=${off ? 'true' : 'false'}>${off ? msg('Adding…') : msg('Add section')}</button>
      </div>
    </form>`;
  }

  #renderUpdate(update: ActivityUpdate, steps: Map<string, ActivityStep>) {
    const about = update.stepId ? steps.get(update.stepId) : undefined;
    return html`<li class="update" part="update">
      <article data-update=${update.id} tabindex="-1" aria-label=${msg(str`Update from ${update.author.name}`)}>
        <p class="meta" part="meta">
          <span><strong>${update.author.name}</strong>${update.author.agency ? html`, <span class="agency">${update.author.agency}</span>` : nothing}</span>
          ${renderTime(update.createdAt, this.now, this.#locale)}
          ${about ? html`<span class="about">${msg(str`About “${about.title}”`)}</span>` : nothing}
        </p>
        <div class="body" part="body">${markdown(update.body)}</div>
        ${update.attachment ? renderAttachment(this.#jc.api, update.attachment, this.#locale, (text) => (this.fileError = text)) : nothing}
      </article>
    </li>`;
  }

  #renderUpdates(view: Activity) {
    const steps = new Map(view.steps.map((s) => [s.id, s]));
    let list: TemplateResult;
    if (this.updatesStatus === 'loading') list = html`<p class="muted" part="status" role="status">${msg('Loading updates…')}</p>`;
    else if (this.updatesStatus === 'error' && this.updatesError)
      list = html`<p class="error" part="error" role="alert">${errorText(this.updatesError)}</p>
        <button part="button" type="button" class="small" @click=${() => this.#loadUpdates()}>${msg('Try again')}</button>`;
    else if (this.updates.length === 0) list = html`<p class="empty">${msg('No updates yet.')}</p>`;
    else
      list = html`<ol class="updates" aria-labelledby="jc-updates-title">
          ${repeat(this.updates, (u) => u.id, (u) => this.#renderUpdate(u, steps))}
        </ol>
        ${this.fileError ? html`<p class="error" part="error" role="alert">${this.fileError}</p>` : nothing}
        ${this.moreUpdatesError ? html`<p class="error" part="error" role="alert">${errorText(this.moreUpdatesError)}</p>` : nothing}
        ${this.updatesCursor
          ? html`<button part="button" type="button" class="secondary small" aria-disabled=${this.loadingMoreUpdates ? 'true' : 'false'} @click=${() => this.loadMoreUpdates()}>
              ${this.loadingMoreUpdates ? msg('Loading more updates…') : msg('Load more updates')}
            </button>`
          : nothing}`;
    return html`<h3 id="jc-updates-title">${msg('Updates')}</h3>
      ${list} ${view.canChangeSteps ? this.#renderComposer(view) : nothing}`;
  }

  #renderComposer(view: Activity) {
    const off = this.updateFormBusy;
    const error = this.updateFormError;
    const bodyError = error?.fields.body ?? null;
    const stepError = error?.fields.stepId ?? null;
    const other = error && !bodyError && !stepError ? error : null;
    return html`<form class="update-form" part="form" aria-labelledby="jc-update-heading" novalidate @submit=${this.#onPostUpdate}>
      <h4 id="jc-update-heading">${msg('Post an update')}</h4>
      ${renderField(
        { id: UPDATE_STEP, label: msg('About'), error: stepError },
        (a) => html`<select id=${UPDATE_STEP} part="input" name="stepId" aria-describedby=${a.describedBy ?? nothing} aria-invalid=${a.invalid} ?disabled=${off}>
          <option value="">${msg('The whole activity')}</option>
          ${view.steps.map((s) => html`<option value=${s.id}>${s.title}</option>`)}
        </select>`,
      )}
      ${this.#editor.render({ label: msg('Your update'), error: bodyError, name: 'body', maxlength: 20000, rows: 3 })}
      ${other ? html`<p class="error" part="error" role="alert" id="jc-update-error" tabindex="-1">${errorText(other)}</p>` : nothing}
      <div class="form-actions">
        <button part="button" type="submit" aria-disabled=${off ? 'true' : 'false'}>${off ? msg('Posting…') : msg('Post update')}</button>
      </div>
    </form>`;
  }

  #renderActivity(view: Activity) {
    const canChange = view.canChangeSteps;
    return html`${this.#renderHeader(view, view.steps)} ${this.#renderReadOnlyNote(view)}
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
      ${this.#renderSteps(view)} ${this.#done.renderUndo()}
      ${canChange ? html`<div class="forms">${this.#renderAddStep(view)} ${this.#renderAddSection()}</div>` : nothing} ${this.#renderUpdates(view)}`;
  }

  #renderBody() {
    const signedOut = renderSessionState(this.#jc.session.state, () => void this.#jc.session.refresh(), msg('Sign in to JusticeConnect to see this activity.'), this.#jc.session.idleTimeoutMinutes);
    if (signedOut) return signedOut;
    if (!this.activity) return html`<p class="error" part="error">${msg('No activity was given to show.')}</p>`;
    const error = this.status === 'error' ? this.loadError : null;
    const gate = renderAccountGate(error?.code, {
      optInText: msg('Opt in to JusticeConnect to follow and work on activities with officers across agencies.'),
      optingIn: this.optingIn,
      onOptIn: () => void this.#onOptIn(),
    });
    if (gate) return gate;
    if (error && error.status === 404) return html`<p>${msg('This activity is not available.')}</p>`;
    if (error)
      return html`<p class="error" part="error" role="alert">${errorText(error)}</p>
        <button part="button" type="button" @click=${() => this.reload()}>${msg('Try again')}</button>`;
    if (this.status !== 'ready' || !this.view) return html`<p class="muted" part="status" role="status">${msg('Loading the activity…')}</p>`;
    return this.#renderActivity(this.view);
  }

  protected override render() {
    const title = this.view && this.status === 'ready' ? this.view.title : msg('Activity');
    return html`<section class="panel" part="panel" aria-labelledby="jc-activity-title">
      <h2 id="jc-activity-title" part="heading" tabindex="-1">${title}</h2>
      ${this.#renderBody()} ${this.#announcer.render()}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'jc-activity-tracker': JcActivityTracker;
  }
}
