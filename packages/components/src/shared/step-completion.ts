import { msg, str } from '@lit/localize';
import { css, html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { activityEndpoints } from '../api/activities.js';
import type { ApiError } from '../api/client.js';
import type { ClientWith } from '../api/transport.js';
import type { Activity } from '../api/activity-schemas.js';
import { toApiError } from '../api/session.js';
import { errorText } from './account-states.js';

/** What a step's change was, in `jc-step-changed` (my-todos sends only `done` and `undone`). */
export type StepChange = 'added' | 'done' | 'undone' | 'assigned' | 'due-date' | 'moved';

declare module '../kernel/element.js' {
  interface JcEventMap {
    'jc-step-changed': { step: Activity['steps'][number]; change: StepChange };
  }
}

/** What checking a step off needs to know of it. */
export interface CheckableStep {
  id: string;
  title: string;
  done: boolean;
}

export interface StepCompletionOptions {
  api: () => ClientWith<[typeof activityEndpoints]>;
  /** The server took the change: `activity` is its answer (the whole activity, with the new version). */
  onSaved: (activity: Activity, step: CheckableStep, done: boolean) => void;
  /** The server refused or could not be reached (the step is back as it was, with its error shown). */
  onFailed?: (error: ApiError, step: CheckableStep, done: boolean) => void;
  /** Undo unchecked the step again (e.g. to put focus back on it). */
  onUndone?: (step: CheckableStep) => void;
}

/**
 * Checking steps off, optimistically: the box flips at once (`isDone`), the
 * request follows, and a refusal puts it back with the reason next to it
 * (`error`). A step just checked off can be unchecked with Undo, offered in a
 * status message (`renderUndo`: "Step marked done. Undo"). Answers that come
 * in while a change is on its way never flip a box the user just set.
 */
export class StepCompletion {
  /** Set here and not yet confirmed: step id → done. */
  #pending = new Map<string, boolean>();
  #errors = new Map<string, string>();
  /** The step just checked off, which Undo unchecks. */
  #undoable: { id: string; title: string } | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: StepCompletionOptions,
  ) {}

  /** Done as shown: what the user just set, or else what the server says. */
  isDone(step: CheckableStep): boolean {
    return this.#pending.get(step.id) ?? step.done;
  }

  /** Why the last change to this step failed, if it did. */
  error(id: string): string | undefined {
    return this.#errors.get(id);
  }

  /** Forgets every error and the Undo offer (e.g. another activity is shown). */
  reset(): void {
    this.#errors.clear();
    this.#undoable = null;
    this.host.requestUpdate();
  }

  /** Checks a step off (`done`) or unchecks it; resolves true once the server took it. */
  async set(step: CheckableStep, done: boolean): Promise<boolean> {
    if (this.#pending.has(step.id)) {
      // One change at a time: the box shows the one on its way.
      this.host.requestUpdate();
      return false;
    }
    this.#pending.set(step.id, done);
    this.#errors.delete(step.id);
    if (this.#undoable?.id === step.id && !done) this.#undoable = null;
    this.host.requestUpdate();
    try {
      const activity = await this.options.api().setStepDone(step.id, done);
      this.#pending.delete(step.id);
      this.#undoable = done ? { id: step.id, title: step.title } : this.#undoable;
      this.options.onSaved(activity, step, done);
      return true;
    } catch (err) {
      const error = toApiError(err);
      this.#pending.delete(step.id);
      const reason = errorText(error);
      this.#errors.set(step.id, done ? msg(str`Could not mark “${step.title}” done: ${reason}`) : msg(str`Could not mark “${step.title}” not done: ${reason}`));
      this.options.onFailed?.(error, step, done);
      return false;
    } finally {
      this.host.requestUpdate();
    }
  }

  /**
   * A step's checkbox changed: checks the step off, or unchecks it. The box
   * then shows what is set: the change, or the one still on its way (a
   * second click while it is, which waits for nothing).
   */
  check(step: CheckableStep, event: Event): void {
    const box = event.target as HTMLInputElement;
    void this.set(step, box.checked);
    box.checked = this.isDone(step);
  }

  /** Unchecks the step just checked off. */
  async undo(): Promise<void> {
    const target = this.#undoable;
    if (!target) return;
    this.#undoable = null;
    const step = { ...target, done: true };
    if (await this.set(step, false)) this.options.onUndone?.(step);
  }

  /**
   * The status message after a step is checked off: "Step marked done: “…”."
   * and an Undo button. The region stays in the page when empty, so what
   * comes into it is read out.
   */
  renderUndo(): TemplateResult {
    const target = this.#undoable;
    return html`<div class="undo ${target ? 'shown' : ''}" part="status" role="status">
      ${target
        ? html`<span>${msg(str`Step marked done: “${target.title}”.`)}</span>
            <button part="button" type="button" class="small secondary" data-undo=${target.id} @click=${() => void this.undo()}>${msg('Undo')}</button>`
        : nothing}
    </div>`;
  }
}

/**
 * The look of checkable steps (after `tokens`): the Undo message, checkboxes,
 * done and overdue steps, each step's row (`.step`, `.todo`) with its details
 * (`.meta`) and error; and what the widgets that list them share around them.
 */
export const stepCompletionStyles = css`
  h2:focus {
    outline: none;
  }
  p {
    margin: 0 0 0.75rem;
  }
  .muted {
    color: var(--_muted);
  }
  button.small {
    padding: 0.25rem 0.75rem;
    font-size: var(--_font-small);
  }
  .step,
  .todo {
    border-top: 1px solid var(--_border);
    padding: 0.625rem 0;
  }
  :is(.step, .todo):first-child {
    border-top: 0;
  }
  :is(.step, .todo).overdue {
    border-left: 0.25rem solid var(--jc-overdue-color, var(--_danger));
    padding-left: 0.5rem;
  }
  .meta {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 0.75rem;
    margin: 0.25rem 0 0 1.75rem;
    font-size: var(--_font-small);
    color: var(--_muted);
  }
  :is(.step, .todo) .error {
    margin: 0.375rem 0 0 1.75rem;
  }
  .undo.shown {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
    margin: 0.5rem 0;
    padding: 0.375rem 0.75rem;
    border-left: 0.25rem solid var(--_success);
  }
  .check {
    display: flex;
    align-items: flex-start;
    gap: 0.5rem;
  }
  .check input[type='checkbox'] {
    flex: none;
    width: 1.25rem;
    height: 1.25rem;
    margin: 0.15rem 0 0;
    accent-color: var(--_primary);
  }
  /* The lists' links (My to-dos makes them bold). Placed here, not last: it compresses better beside the accent colour. */
  a {
    color: var(--_primary);
    text-underline-offset: 0.15em;
  }
  .check label {
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .done .check label {
    text-decoration: line-through;
    text-decoration-thickness: 1px;
    color: var(--_muted);
  }
  .badge {
    display: inline-block;
    border: 1px solid currentColor;
    border-radius: var(--_radius);
    padding: 0 0.375rem;
    font-size: 0.8125rem;
    font-weight: 600;
  }
  .badge.overdue {
    color: var(--jc-overdue-color, var(--_danger));
    border-width: 2px;
  }
`;
