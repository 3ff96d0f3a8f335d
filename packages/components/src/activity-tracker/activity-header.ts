import { msg, str } from '@lit/localize';
import { html, nothing } from 'lit';
import type { Activity } from '../api/schemas.js';
import { formatDate, isOverdue } from '../shared/dates.js';
import { formatNumber, intlLocale } from '../shared/localization.js';

/** The activity's goal, owner, due date (overdue marked), community and status, and its progress (`done` of its steps). */
export function renderHeader(view: Activity, done: number, today: string): unknown {
  const locale = intlLocale();
  const total = view.steps.length;
  const progress = total === 1 ? msg(str`${formatNumber(done)} of 1 step done`) : msg(str`${formatNumber(done)} of ${formatNumber(total)} steps done`);
  const overdue = view.status === 'active' && isOverdue(view.dueDate, false, today);
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
    </div>
    ${renderReadOnlyNote(view)}`;
}

/** Why the user cannot change the steps (when they cannot). */
function renderReadOnlyNote(view: Activity) {
  if (view.canChangeSteps) return nothing;
  const text = view.template
    ? msg('This is a template: only the community’s owners and moderators change it.')
    : msg(str`You are not a member of ${view.communityName}: you can follow this activity, but only members check off, assign and add steps or post updates.`);
  return html`<p class="note" part="status" id="jc-activity-read-only">${text}</p>`;
}
