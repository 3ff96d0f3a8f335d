import { css, html, nothing, type TemplateResult } from 'lit';

/** What a field's control needs to be tied to its hint and error. */
export interface FieldControl {
  /** The ids of the hint and the error (undefined when there is neither). */
  describedBy: string | undefined;
  invalid: 'true' | 'false';
}

export interface FieldOptions {
  /** The control's id: the label points at it; the hint and error take `${id}-hint` and `${id}-error`. */
  id: string;
  label: string;
  /** Shown under the label, and read with the control. */
  hint?: string;
  /** The field's error (e.g. from a 400's `fields`), shown under the control and read with it. */
  error?: string | null;
}

/**
 * One labelled form field: label, optional hint, the control, and its error
 * next to it (the control gets `aria-invalid` and `aria-describedby`, so a
 * screen reader reads the error with the field). Include `formFieldStyles`.
 */
export function renderField(options: FieldOptions, control: (a: FieldControl) => TemplateResult): TemplateResult {
  const { id, label, hint, error } = options;
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return html`<div class="field">
    <label for=${id}>${label}</label>
    ${hint ? html`<span class="hint" id=${`${id}-hint`}>${hint}</span>` : nothing}
    ${control({ describedBy, invalid: error ? 'true' : 'false' })}
    ${error ? html`<span class="field-error" part="error" id=${`${id}-error`}>${error}</span>` : nothing}
  </div>`;
}

/** The look of `renderField`'s fields and of a form's buttons row (after `tokens`). */
export const formFieldStyles = css`
  /* One column no wider than the field: a select, as wide as its longest option, shrinks to fit (reflow at 320 px). */
  .field {
    display: grid;
    grid-template-columns: 100%;
    gap: 0.25rem;
  }
  label {
    font-weight: 600;
  }
  .hint {
    font-weight: 400;
    font-size: var(--_font-small);
    color: var(--_muted);
  }
  input,
  select,
  textarea {
    max-width: 100%;
    font: inherit;
    padding: 0.5rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    color: var(--_fg);
  }
  textarea {
    min-height: 4rem;
    resize: vertical;
  }
  [aria-invalid='true'] {
    border: 2px solid var(--_danger);
  }
  .field-error {
    font-weight: 400;
    font-size: var(--_font-small);
    color: var(--_danger);
  }
  .form-actions {
    display: flex;
    gap: 0.5rem;
    flex-wrap: wrap;
  }
`;
