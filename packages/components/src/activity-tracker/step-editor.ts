import { msg, str } from '@lit/localize';
import { html, nothing } from 'lit';
import { ApiError } from '../api/transport.js';
import type { Activity, ActivityStep, Member, StepMove } from '../api/schemas.js';
import { errorText } from '../shared/account-states.js';
import { formatDate } from '../shared/dates.js';
import { renderField } from '../shared/form-field.js';
import type { MarkdownEditor } from '../shared/markdown-editor.js';
import { formatNumber, intlLocale } from '../shared/localization.js';
import { NEW_SECTION, NEW_STEP, UPDATE_BODY, UPDATE_STEP, assigneeInput, assigneeValue, stepFieldError, stepGroups, type FormState, type StepChange } from './steps.js';
import type { TrackerPort } from './tracker-port.js';

/** A form refused before it is sent: `message`, and what is wrong with which field. */
const invalid = (message: string, fields: Record<string, string>) => new ApiError(400, 'VALIDATION_FAILED', message, fields);

/**
 * What changes an activity: adding steps and sections, assigning a step,
 * setting its due date and moving it (their forms and controls are drawn with
 * the activity: step-item.ts, step-forms.ts), and posting an update, whose
 * form and Markdown editor show once `load()` brought the editor (lazy.ts).
 */
export class StepEditor {
  #editor: MarkdownEditor | undefined;
  #lazy: Promise<typeof import('./lazy.js')> | undefined;

  constructor(private readonly t: TrackerPort) {}

  /** Loads (once) what a member needs beyond the activity: the update form's editor and the member list. */
  load(): Promise<typeof import('./lazy.js')> {
    return (this.#lazy ??= import('./lazy.js').then(
      (m) => {
        const host = this.t.host;
        this.#editor = new m.MarkdownEditor(host, UPDATE_BODY);
        // The editor's styles join the widget's (a <style> only where the browser cannot adopt style sheets, as Lit does).
        const root = host.renderRoot as ShadowRoot;
        const sheet = m.markdownEditorStyles.styleSheet;
        if (sheet) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
        else root.append(Object.assign(document.createElement('style'), { textContent: m.markdownEditorStyles.cssText }));
        host.requestUpdate();
        return m;
      },
      (err: unknown) => {
        // Offline, or a new deployment removed the chunk: the next use loads it again.
        this.#lazy = undefined;
        throw err;
      },
    ));
  }

  #set(form: FormState, busy: boolean, error: ApiError | null) {
    form.busy = busy;
    form.error = error;
    this.t.host.requestUpdate();
  }

  /** A change to one step (assignee, due date, move), with its error shown next to it if refused. */
  async write(step: ActivityStep, change: StepChange, write: () => Promise<Activity>, failure: string): Promise<Activity | null> {
    const t = this.t;
    t.busy.add(step.id);
    t.errors.delete(step.id);
    t.host.requestUpdate();
    try {
      const activity = await write();
      t.accept(activity);
      t.changed(step.id, change, activity);
      return activity;
    } catch (err) {
      t.errors.set(step.id, `${failure} ${errorText(t.failed(err))}`);
      // The controls show the server's value again.
      void this.#reset(step.id);
      return null;
    } finally {
      t.busy.delete(step.id);
      t.host.requestUpdate();
    }
  }

  /** Once drawn, a step's assignee and due date show what the server has (a refused change undone). */
  async #reset(id: string) {
    await this.t.host.updateComplete;
    const step = this.t.view()?.steps.find((s) => s.id === id);
    const row = this.t.host.renderRoot.querySelector(`[data-step="${CSS.escape(id)}"]`);
    for (const control of row?.querySelectorAll<HTMLInputElement>('select, input[type="date"]') ?? [])
      if (step) control.value = control.type === 'date' ? (step.dueDate ?? '') : assigneeValue(step);
  }

  /** The community's members, whom a step may be assigned to. */
  async members(slug: string): Promise<Member[]> {
    return (await this.load()).communityEndpoints.listMembers.call(this.t.api(), slug);
  }

  /** Moves a step to `target` (saved in the order of the moves before it): answers what to announce. */
  async move(step: ActivityStep, target: StepMove): Promise<string | null> {
    const saved = await this.write(step, 'moved', () => this.t.api().moveStep(step.id, target), msg(str`Could not move “${step.title}”:`));
    const view = this.t.view() ?? saved;
    const group = view && saved && stepGroups(view).find((g) => g.steps.some((s) => s.id === step.id));
    if (!view || !group) return null;
    const at = group.steps.findIndex((s) => s.id === step.id) + 1;
    const of = group.steps.length;
    return group.title
      ? msg(str`Moved to position ${at} of ${formatNumber(of)} in ${group.title}.`)
      : view.sections.length
        ? msg(str`Moved to position ${at} of ${formatNumber(of)}, before the sections.`)
        : msg(str`Moved to position ${at} of ${formatNumber(of)}.`);
  }

  async assign(step: ActivityStep, value: string): Promise<void> {
    const saved = await this.write(step, 'assigned', () => this.t.api().updateStep(step.id, { assignee: assigneeInput(value) }), msg(str`Could not assign “${step.title}”:`));
    if (!saved) return;
    const now = saved.steps.find((s) => s.id === step.id)?.assignee ?? null;
    this.t.say(
      now === null
        ? msg(str`“${step.title}” is not assigned to anyone.`)
        : now.kind === 'group'
          ? msg(str`“${step.title}” assigned to the whole group.`)
          : msg(str`“${step.title}” assigned to ${now.name}.`),
    );
  }

  async dueDate(step: ActivityStep, value: string): Promise<void> {
    if (value === (step.dueDate ?? '')) return;
    if (value && !/^\d{4}-\d{2}-\d{2}$/.test(value)) return;
    const saved = await this.write(step, 'due-date', () => this.t.api().updateStep(step.id, { dueDate: value || null }), msg(str`Could not change the due date of “${step.title}”:`));
    if (!saved) return;
    this.t.say(value ? msg(str`“${step.title}” is due ${formatDate(value, intlLocale())}.`) : msg(str`“${step.title}” has no due date now.`));
  }

  /**
   * A form's request, the form busy meanwhile: refused at once when `invalid`
   * (a field left empty), else sent; `send` answers what to do once the form
   * is ready again (focus goes to a field only once it is enabled). `refused`
   * puts focus where the reason is.
   */
  async #send(state: FormState, invalid: ApiError | null, send: () => Promise<() => void>, refused: (error: ApiError) => void) {
    if (!this.t.view() || state.busy) return;
    if (invalid) {
      this.#set(state, false, invalid);
      refused(invalid);
      return;
    }
    this.#set(state, true, null);
    try {
      const then = await send();
      this.#set(state, false, null);
      then();
    } catch (err) {
      const error = this.t.failed(err);
      this.#set(state, false, error);
      refused(error);
    }
  }

  addStep(form: HTMLFormElement): Promise<void> {
    const t = this.t;
    const data = new FormData(form);
    const title = String(data.get('title') ?? '').trim();
    return this.#send(
      t.forms.step,
      title ? null : invalid(msg('Some fields need your attention.'), { title: msg('Give the step a title') }),
      async () => {
        const view = t.view()!;
        const before = new Set(view.steps.map((s) => s.id));
        const activity = await t.api().addStep(view.id, {
          title,
          sectionId: String(data.get('sectionId') ?? '') || null,
          assignee: assigneeInput(String(data.get('assignee') ?? '')),
          dueDate: String(data.get('dueDate') ?? '') || null,
        });
        t.accept(activity);
        const added = activity.steps.find((s) => !before.has(s.id));
        if (added) t.changed(added.id, 'added', activity);
        return () => {
          // Ready for the next one: the title empties, the other choices stay.
          (form.elements.namedItem('title') as HTMLInputElement).value = '';
          t.focus(`#${NEW_STEP.title}`);
          t.say(msg(str`Step added: “${title}”.`));
        };
      },
      (error) => {
        const first = (Object.keys(NEW_STEP) as (keyof typeof NEW_STEP)[]).find((f) => stepFieldError(error, f));
        t.focus(first ? `#${NEW_STEP[first]}` : '#jc-new-step-error');
      },
    );
  }

  addSection(form: HTMLFormElement): Promise<void> {
    const t = this.t;
    const title = String(new FormData(form).get('title') ?? '').trim();
    return this.#send(
      t.forms.section,
      title ? null : invalid(msg('Give the section a title'), { title: msg('Give the section a title') }),
      async () => {
        const activity = await t.api().addSection(t.view()!.id, title);
        t.accept(activity);
        t.changed(null, 'added', activity);
        return () => {
          form.reset();
          t.say(msg(str`Section added: “${title}”.`));
        };
      },
      () => t.focus(`#${NEW_SECTION}`),
    );
  }

  postUpdate(form: HTMLFormElement): Promise<void> {
    const t = this.t;
    const editor = this.#editor!;
    const body = editor.value;
    const stepId = String(new FormData(form).get('stepId') ?? '') || undefined;
    return this.#send(
      t.forms.update,
      body.trim() ? null : invalid(msg('Write something'), { body: msg('Write something') }),
      async () => {
        const update = await t.api().postActivityUpdate(t.view()!.id, { body, ...(stepId ? { stepId } : {}) });
        editor.clear();
        form.reset();
        const shown = t.posted(update);
        return () => {
          if (shown) t.focus(`[data-update="${CSS.escape(update.id)}"]`);
          t.say(shown ? msg('Your update was posted.') : msg('Your update was posted. Load more updates to see it.'));
        };
      },
      (error) => (error.fields.body ? void editor.write(true) : t.focus('#jc-update-error')),
    );
  }

  /** The form for an update: what it is about, and its Markdown text (Write and Preview). */
  composer(view: Activity): unknown {
    const editor = this.#editor;
    if (!editor) return nothing;
    const { busy: off, error } = this.t.forms.update;
    const bodyError = error?.fields.body ?? null;
    const stepError = error?.fields.stepId ?? null;
    const other = error && !bodyError && !stepError ? error : null;
    return html`<form class="update-form" part="form" aria-labelledby="jc-update-heading" novalidate @submit=${(e: SubmitEvent) => {
        e.preventDefault();
        void this.postUpdate(e.target as HTMLFormElement);
      }}>
      <h4 id="jc-update-heading">${msg('Post an update')}</h4>
      ${renderField(
        { id: UPDATE_STEP, label: msg('About'), error: stepError },
        (a) => html`<select id=${UPDATE_STEP} part="input" name="stepId" aria-describedby=${a.describedBy ?? nothing} aria-invalid=${a.invalid} ?disabled=${off}>
          <option value="">${msg('The whole activity')}</option>
          ${view.steps.map((s) => html`<option value=${s.id}>${s.title}</option>`)}
        </select>`,
      )}
      ${editor.render({ label: msg('Your update'), error: bodyError, name: 'body', maxlength: 20000, rows: 3 })}
      ${other ? html`<p class="error" part="error" role="alert" id="jc-update-error" tabindex="-1">${errorText(other)}</p>` : nothing}
      <div class="form-actions">
        <button part="button" type="submit" aria-disabled=${off ? 'true' : 'false'}>${off ? msg('Posting…') : msg('Post update')}</button>
      </div>
    </form>`;
  }
}
