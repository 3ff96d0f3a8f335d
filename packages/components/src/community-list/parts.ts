import { msg, str } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';
import type { ApiError } from '../api/client.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Community, Member, Membership, Visibility } from '../api/schemas.js';
import { errorText } from '../shared/account-states.js';
import { renderField, type FieldControl } from '../shared/form-field.js';

/* jc-community-list's labels, requests to join and create form: plain functions of what they show. */

/** A community's requests to join, as loaded. */
export interface RequestsView {
  status: 'loading' | 'ready' | 'error';
  items: Member[];
  error: ApiError | null;
}

/** The create form's fields, as the API names them. */
export const FORM_FIELDS = ['name', 'slug', 'description', 'visibility', 'copyFrom', 'parent'] as const;
type FormField = (typeof FORM_FIELDS)[number];

/** An owner or moderator of the community (who answers requests to join, and may nest a subcommunity under it). */
export const isManager = (m: Membership | null) => m?.state === 'active' && (m.role === 'owner' || m.role === 'moderator');

/** A community's name with its parents, for the form's choices. */
export function communityLabel(c: Community): string {
  return [...c.path.map((p) => p.name), c.name].join(' › ');
}

/** A visibility, in words. */
export function visibilityLabel(v: Visibility): string {
  return {
    public: msg('Public'),
    moderated: msg('Moderated'),
    restricted: msg('Restricted'),
  }[v];
}

/** The user's membership of a community, in words. */
export function membershipLabel(m: Membership | null): string {
  if (!m) return msg('Not a member');
  if (m.state === 'requested') return msg('Request pending');
  if (m.state === 'invited') return msg('Invited');
  return { owner: msg('Owner'), moderator: msg('Moderator'), member: msg('Member') }[m.role];
}

/** What the create form shows, and what its controls do. */
export interface CreateFormView {
/** The communities to copy from and to nest under (null while they load). */
options: Community[] | null;
optionsError: ApiError | null;
/** The last attempt's failure. */
error: ApiError | null;
busy: boolean;
onSubmit: (event: SubmitEvent) => void;
onCopyFromChange: (event: Event) => void;
onCancel: () => void;
}

/** The form that creates a community or subcommunity. */
export function renderCreateForm(view: CreateFormView) {
  const field = (name: FormField, label: string, control: (a: FieldControl) => TemplateResult, hint?: string) =>
    renderField({ id: `jc-${name === 'copyFrom' ? 'copy-from' : name}`, label, hint, error: view.error?.fields[name] }, control);
  const options = view.options ?? [];
  const parents = options.filter((c) => isManager(c.membership) && !c.archived);
  const error = view.error;
  // Errors that no field shows (not found, not allowed, unknown field…) are said above the buttons.
  const unshown = error && !FORM_FIELDS.some((f) => error.fields[f]) ? error : null;
  const off = view.busy;
  return html`<form id="jc-create" part="form" aria-labelledby="jc-create-title" novalidate @submit=${view.onSubmit}>
    <h3 id="jc-create-title">${msg('New community')}</h3>
    ${field(
      'name',
      msg('Name'),
      (a) =>
        html`<input id="jc-name" part="input" name="name" required maxlength="100" autocomplete="off" aria-describedby=${a.describedBy ?? nothing} aria-invalid=${a.invalid} ?disabled=${off} />`,
    )}
    ${field(
      'slug',
      msg('Address (optional)'),
      (a) =>
        html`<input id="jc-slug" part="input" name="slug" maxlength="60" autocomplete="off" spellcheck="false" aria-describedby=${a.describedBy ?? nothing} aria-invalid=${a.invalid} ?disabled=${off} />`,
      msg('Lowercase letters, digits and dashes. Left empty, it is made from the name.'),
    )}
    ${field(
      'description',
      msg('Description (optional)'),
      (a) =>
        html`<textarea id="jc-description" part="input" name="description" maxlength="5000" aria-describedby=${a.describedBy ?? nothing} aria-invalid=${a.invalid} ?disabled=${off}></textarea>`,
    )}
    ${field(
      'visibility',
      msg('Who can join'),
      (a) => html`<select id="jc-visibility" part="input" name="visibility" aria-describedby=${a.describedBy ?? nothing} aria-invalid=${a.invalid} ?disabled=${off}>
        <option value="public">${msg('Public: any opted-in user can join')}</option>
        <option value="moderated">${msg('Moderated: owners and moderators approve requests')}</option>
        <option value="restricted">${msg('Restricted: by invitation only, hidden from others')}</option>
      </select>`,
    )}
    ${field(
      'copyFrom',
      msg('Copy settings from (optional)'),
      (a) => html`<select
        id="jc-copy-from"
        part="input"
        name="copyFrom"
        aria-describedby=${a.describedBy ?? nothing}
        aria-invalid=${a.invalid}
        ?disabled=${off}
        @change=${view.onCopyFromChange}
      >
        <option value="">${msg('Do not copy')}</option>
        ${options.map((c) => html`<option value=${c.slug}>${communityLabel(c)}</option>`)}
      </select>`,
      msg('Copies who can join, the description template, forums and activity templates; never members or content.'),
    )}
    ${field(
      'parent',
      msg('Subcommunity of (optional)'),
      (a) => html`<select id="jc-parent" part="input" name="parent" aria-describedby=${a.describedBy ?? nothing} aria-invalid=${a.invalid} ?disabled=${off}>
        <option value="">${msg('None: a top-level community')}</option>
        ${parents.map((c) => html`<option value=${c.slug}>${communityLabel(c)}</option>`)}
      </select>`,
      msg('Only communities you own or moderate.'),
    )}
    ${view.options === null && !view.optionsError
      ? html`<p class="muted" part="status">${msg('Loading the communities you can copy from…')}</p>`
      : nothing}
    ${view.optionsError
      ? html`<p class="error" part="error">${msg('The communities to copy from could not be loaded.')} ${errorText(view.optionsError)}</p>`
      : nothing}
    ${unshown ? html`<p class="error" part="error" role="alert" id="jc-form-error" tabindex="-1">${errorText(unshown)}</p>` : nothing}
    <div class="form-actions">
      <button part="button" type="submit" ?disabled=${off}>${off ? msg('Creating…') : msg('Create community')}</button>
      <button part="button" type="button" class="secondary" ?disabled=${off} @click=${view.onCancel}>${msg('Cancel')}</button>
    </div>
  </form>`;
}

/** What a community's requests to join show, and what their buttons do. */
export interface RequestsBox {
open: boolean;
view: RequestsView | undefined;
/** A decision on this member's request is on its way. */
busy: (member: Member) => boolean;
onRetry: () => void;
onDecide: (member: Member, approve: boolean) => void;
}

/** A community's requests to join, for its owners and moderators. */
export function renderRequests(c: Community, { open, view, busy: deciding, onRetry, onDecide }: RequestsBox) {
  if (!isManager(c.membership)) return nothing;
  let body: unknown = nothing;
  if (open && view) {
    if (view.status === 'loading' && view.items.length === 0) body = html`<p class="muted" part="status">${msg('Loading requests…')}</p>`;
    else if (view.status === 'error' && view.error)
      body = html`<p class="error" part="error" role="alert">${errorText(view.error)}</p>
        <button part="button" type="button" class="small" @click=${onRetry}>${msg('Try again')}</button>`;
    else if (view.items.length === 0) body = html`<p class="muted">${msg('No requests are waiting.')}</p>`;
    else
      body = html`<ul aria-label=${msg(str`Requests to join ${c.name}`)}>
        ${repeat(view.items, (m) => m.userId, (m) => {
          const busy = deciding(m);
          const who = html`<span class="visually-hidden"> ${m.name}</span>`;
          return html`<li class="request" data-request=${`${c.id}:${m.userId}`}>
            <span>${m.name}${m.agency ? html`<span class="muted"> · ${m.agency}</span>` : nothing}</span>
            <span class="actions">
              <button part="button" type="button" class="small" ?disabled=${busy} @click=${() => onDecide(m, true)}>
                ${msg('Approve')}${who}
              </button>
              <button part="button" type="button" class="small secondary" ?disabled=${busy} @click=${() => onDecide(m, false)}>
                ${msg('Deny')}${who}
              </button>
            </span>
          </li>`;
        })}
      </ul>`;
  }
  return html`<div id=${`jc-requests-${c.id}`} class="requests" part="requests" ?hidden=${!open}>${body}</div>`;
}
