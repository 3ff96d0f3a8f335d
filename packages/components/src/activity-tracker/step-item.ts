import { msg, str } from '@lit/localize';
import { html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Activity, ActivityStep } from '../api/schemas.js';
import { formatDate, isOverdue, localDate } from '../shared/dates.js';
import { intlLocale } from '../shared/localization.js';
import { renderTime } from '../shared/time.js';
import { assigneeValue, moveTarget, stepGroups } from './steps.js';
import type { TrackerPort } from './tracker-port.js';

/** The assignment picker: nobody, the whole group, or a member (one no longer listed stays as it is). */
function renderAssignee(t: TrackerPort, step: ActivityStep, off: boolean) {
  const id = `jc-step-${step.id}-assignee`;
  const value = assigneeValue(step);
  const members = t.members();
  const known = new Set(members.map((m) => m.userId));
  const extra = step.assignee?.kind === 'user' && !known.has(step.assignee.id) ? step.assignee : null;
  return html`<div class="control">
    <label for=${id}>${msg('Assignee')}<span class="visually-hidden">: ${step.title}</span></label>
    <select
      id=${id}
      part="input"
      data-control="assignee"
      .value=${value}
      aria-busy=${off ? 'true' : 'false'}
      @change=${(e: Event) => void t.edit().assign(step, (e.target as HTMLSelectElement).value)}
    >
      <option value="" ?selected=${value === ''}>${msg('Nobody')}</option>
      <option value="group" ?selected=${value === 'group'}>${msg('The whole group')}</option>
      ${extra ? html`<option value=${`user:${extra.id}`} selected>${extra.name}</option>` : nothing}
      ${members.map((m) => html`<option value=${`user:${m.userId}`} ?selected=${value === `user:${m.userId}`}>${m.name}</option>`)}
    </select>
  </div>`;
}

/** A step's Move up (-1) or Move down (+1) button: `edge` at the very top or bottom, `off` (shown so) while a change to the step is on its way. */
function renderMove(t: TrackerPort, step: ActivityStep, delta: -1 | 1, edge: boolean, off: boolean) {
  const control = delta < 0 ? 'up' : 'down';
  return html`<button
    part="button"
    type="button"
    class="small secondary"
    data-control=${control}
    aria-disabled=${edge || off ? 'true' : 'false'}
    aria-keyshortcuts=${delta < 0 ? 'Alt+ArrowUp' : 'Alt+ArrowDown'}
    @click=${() => !edge && void t.reorder.move(step.id, delta, control)}
  >
    <span aria-hidden="true">${delta < 0 ? '↑' : '↓'}</span> ${delta < 0 ? msg('Move up') : msg('Move down')}<span class="visually-hidden">: ${step.title}</span>
  </button>`;
}

function renderStepControls(t: TrackerPort, step: ActivityStep, first: boolean, last: boolean) {
  const off = t.busy.has(step.id);
  const dueId = `jc-step-${step.id}-due`;
  return html`<div class="controls">
    ${renderAssignee(t, step, off)}
    <div class="control">
      <label for=${dueId}>${msg('Due date')}<span class="visually-hidden">: ${step.title}</span></label>
      <input
        id=${dueId}
        part="input"
        type="date"
        data-control="due"
        .value=${step.dueDate ?? ''}
        aria-busy=${off ? 'true' : 'false'}
        @change=${(e: Event) => void t.edit().dueDate(step, (e.target as HTMLInputElement).value)}
      />
    </div>
    ${t.mineOnly()
      ? nothing
      : html`<div class="move" role="group" aria-label=${msg(str`Move “${step.title}”`)}>
          ${renderMove(t, step, -1, first, off)} ${renderMove(t, step, 1, last, off)}
        </div>`}
  </div>`;
}

/** One step: its checkbox, what is known about it, and (for members) its assignee, due date and Move buttons. */
function renderStep(t: TrackerPort, step: ActivityStep, canChange: boolean, first: boolean, last: boolean, today: string) {
  const locale = intlLocale();
  const done = t.done.isDone(step);
  const overdue = isOverdue(step.dueDate, done, today);
  const boxId = `jc-step-${step.id}`;
  const metaId = `jc-step-${step.id}-meta`;
  const error = t.done.error(step.id) ?? t.errors.get(step.id);
  const doneBy = step.done && step.doneBy ? step.doneBy : null;
  const hasMeta = overdue || !canChange || doneBy !== null;
  const assignee = step.assignee === null ? msg('Not assigned') : step.assignee.kind === 'group' ? msg('The whole group') : msg(str`Assigned to ${step.assignee.name}`);
  return html`<li class="step ${done ? 'done' : ''} ${overdue ? 'overdue' : ''}" part="step" data-step=${step.id} @keydown=${(e: KeyboardEvent) => t.reorder.key(e)}>
    <div class="check">
      <input
        id=${boxId}
        part="checkbox"
        type="checkbox"
        data-control="done"
        aria-keyshortcuts=${canChange && !t.mineOnly() ? 'Alt+ArrowUp Alt+ArrowDown' : nothing}
        .checked=${done}
        ?disabled=${!canChange}
        aria-describedby=${[hasMeta ? metaId : '', canChange ? '' : 'jc-activity-read-only'].filter(Boolean).join(' ') || nothing}
        @change=${(e: Event) => t.done.check(step, e)}
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
          ${doneBy ? html`<span class="done-by">${msg(str`Done by ${doneBy.name}`)} ${step.doneAt ? renderTime(step.doneAt, t.now(), locale) : nothing}</span>` : nothing}
        </p>`
      : nothing}
    ${canChange ? renderStepControls(t, step, first, last) : nothing}
    ${error ? html`<p class="error" part="error" role="alert">${error}</p>` : nothing}
  </li>`;
}

/** The steps, in their sections (only the reader's with "Assigned to me"), or why there are none. */
export function renderSteps(t: TrackerPort, view: Activity): unknown {
  const canChange = view.canChangeSteps;
  const mineOnly = t.mineOnly();
  const me = (s: ActivityStep) => !mineOnly || s.assignedToMe;
  const groups = stepGroups(view);
  const today = localDate(new Date(t.now()));
  if (view.steps.length === 0) return html`<p class="empty">${msg('No steps yet.')}${canChange ? html` ${msg('Add the first one below.')}` : nothing}</p>`;
  if (mineOnly && !view.steps.some(me)) return html`<p class="empty">${msg('No steps are assigned to you.')}</p>`;
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
              (s) => renderStep(t, s, canChange, !moveTarget(view, s.id, -1), !moveTarget(view, s.id, 1), today),
            )}
          </ol>`
        : html`<p class="muted">${mineOnly ? msg('None assigned to you here.') : msg('No steps in this section yet.')}</p>`}`;
  });
}
