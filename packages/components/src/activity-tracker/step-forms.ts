import { msg } from '@lit/localize';
import { html, nothing } from 'lit';
import type { Activity } from '../api/schemas.js';
import { errorText } from '../shared/account-states.js';
import { renderField } from '../shared/form-field.js';
import { NEW_SECTION, NEW_STEP, stepFieldError } from './steps.js';
import type { TrackerPort } from './tracker-port.js';
import type { StepEditor } from './step-editor.js';

/** A form's submit: handled by the step editor, loaded on first use (the default action is stopped at once). */
const submit = (t: TrackerPort, run: (editor: StepEditor, form: HTMLFormElement) => Promise<void>) => (event: SubmitEvent) => {
  event.preventDefault();
  const form = event.target as HTMLFormElement;
  void run(t.edit(), form);
};

/** The add-step form: title, section, assignee and due date. */
export function renderAddStep(t: TrackerPort, view: Activity): unknown {
  const { busy: off, error } = t.forms.step;
  const fieldError = (field: keyof typeof NEW_STEP) => stepFieldError(error, field);
  const unshown = error && !(Object.keys(NEW_STEP) as (keyof typeof NEW_STEP)[]).some(fieldError) ? error : null;
  return html`<form class="add-step" part="form" aria-labelledby="jc-new-step-heading" novalidate @submit=${submit(t, (e, form) => e.addStep(form))}>
    <h4 id="jc-new-step-heading">${msg('Add a step')}</h4>
    <div class="row">
      ${renderField(
        { id: NEW_STEP.title, label: msg('Step'), error: fieldError('title') },
        (a) => html`<input id=${NEW_STEP.title} part="input" name="title" maxlength="200" autocomplete="off" aria-describedby=${a.describedBy ?? nothing} aria-invalid=${a.invalid} ?disabled=${off} />`,
      )}
      ${view.sections.length
        ? renderField(
            { id: NEW_STEP.sectionId, label: msg('Section'), error: fieldError('sectionId') },
            (a) => html`<select id=${NEW_STEP.sectionId} part="input" name="sectionId" aria-describedby=${a.describedBy ?? nothing} aria-invalid=${a.invalid} ?disabled=${off}>
              <option value="">${msg('No section')}</option>
              ${view.sections.map((s) => html`<option value=${s.id}>${s.title}</option>`)}
            </select>`,
          )
        : nothing}
      ${renderField(
        { id: NEW_STEP.assignee, label: msg('Assignee'), error: fieldError('assignee') },
        (a) => html`<select id=${NEW_STEP.assignee} part="input" name="assignee" aria-describedby=${a.describedBy ?? nothing} aria-invalid=${a.invalid} ?disabled=${off}>
          <option value="">${msg('Nobody')}</option>
          <option value="group">${msg('The whole group')}</option>
          ${t.members().map((m) => html`<option value=${`user:${m.userId}`}>${m.name}</option>`)}
        </select>`,
      )}
      ${renderField(
        { id: NEW_STEP.dueDate, label: msg('Due date'), error: fieldError('dueDate') },
        (a) => html`<input id=${NEW_STEP.dueDate} part="input" type="date" name="dueDate" aria-describedby=${a.describedBy ?? nothing} aria-invalid=${a.invalid} ?disabled=${off} />`,
      )}
    </div>
    ${unshown ? html`<p class="error" part="error" role="alert" id="jc-new-step-error" tabindex="-1">${errorText(unshown)}</p>` : nothing}
    <div class="form-actions">
      <button part="button" type="submit" aria-disabled=${off ? 'true' : 'false'}>${off ? msg('Adding…') : msg('Add step')}</button>
    </div>
  </form>`;
}

/** The add-section form. */
export function renderAddSection(t: TrackerPort): unknown {
  const { busy: off, error } = t.forms.section;
  return html`<form class="add-section" part="form" aria-labelledby="jc-new-section-heading" novalidate @submit=${submit(t, (e, form) => e.addSection(form))}>
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
