import { msg } from '@lit/localize';
import { html, nothing, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { ApiError } from '../api/transport.js';
import type { Forum, Topic } from '../api/schemas.js';
import type { TopicCreate } from '../api/forum-schemas.js';
import type { TopicCreateResult } from '../api/forums.js';
import { errorText } from '../shared/account-states.js';
import { renderField, type FieldControl } from '../shared/form-field.js';
import { MarkdownEditor } from '../shared/markdown-editor.js';
import { isRetryable } from '../shared/unsent.js';
import { parseTags } from './tags.js';

/** The new-topic form's fields, as the API names them. */
const FORM_FIELDS = ['forumId', 'title', 'body', 'tags', 'question'] as const;
type FormField = (typeof FORM_FIELDS)[number];
/** A field's id: jc-topic-forum, jc-topic-title, jc-topic-body, jc-topic-tags, jc-topic-question. */
const fieldId = (field: FormField) => `jc-topic-${field === 'forumId' ? 'forum' : field}`;

/** What the user has typed into the new-topic form, kept while the list refreshes around it (the Markdown editor keeps the body). */
interface Draft {
  forumId: string;
  title: string;
  tags: string;
  question: boolean;
}

const emptyDraft = (): Draft => ({ forumId: '', title: '', tags: '', question: false });

type Host = ReactiveControllerHost & HTMLElement & { renderRoot: HTMLElement | DocumentFragment };

/** What the form asks of the forum around it. */
export interface NewTopicHooks {
  create(body: TopicCreate): Promise<TopicCreateResult>;
  /** A failed request, as an ApiError (the forum signs out on a lapsed session). */
  failed(err: unknown): ApiError;
  /** The topic was started (the form is empty and closed again): the forum tells the page and shows the topic. */
  created(topic: Topic): Promise<void>;
  /** Focus this (a selector in the forum's shadow root) after the next render. */
  focus(selector: string): void;
}

/**
 * The forum's new-topic form (forum, title, Markdown details with a preview,
 * tags, "This is a question"): what is typed stays while the list refreshes
 * around it, each error shows next to its field, and a retry after a lost
 * answer sends the same `clientId`.
 */
export class NewTopicForm {
  /** The form shows (New topic was pressed). */
  open = false;
  busy = false;
  error: ApiError | null = null;
  #draft: Draft = emptyDraft();
  /** The idempotency key of the topic being sent: a retry after a lost answer cannot start it twice. */
  #clientId: string | null = null;
  #editor: MarkdownEditor;

  #host: Host;
  #hooks: NewTopicHooks;

  constructor(host: Host, hooks: NewTopicHooks) {
    this.#host = host;
    this.#hooks = hooks;
    this.#editor = new MarkdownEditor(host, fieldId('body'));
  }

  /** Opens the form (focus in its title) or closes it (focus back on New topic); what is typed stays. */
  toggle(open = !this.open): void {
    this.open = open;
    this.error = null;
    this.#hooks.focus(open ? '#jc-topic-title' : '#jc-new-topic');
    this.#host.requestUpdate();
  }

  /** Closes the form and forgets what was typed (when the user signs out). */
  reset(): void {
    this.open = false;
    this.#draft = emptyDraft();
    this.#clientId = null;
    this.error = null;
  }

  #set(busy: boolean, error: ApiError | null) {
    this.busy = busy;
    this.error = error;
    this.#host.requestUpdate();
  }

  /** The form's listener (Lit calls an object's handleEvent): submit, input and change (kept in the draft), and Escape. */
  handleEvent(event: Event): void {
    if (event.type === 'submit') return void this.#submit(event);
    if (event.type === 'keydown') {
      if ((event as KeyboardEvent).key !== 'Escape' || this.busy) return;
      // Escape inside the tabs or a select is theirs; elsewhere it closes the form (what is typed stays).
      const origin = event.composedPath()[0] as HTMLElement | undefined;
      if (origin?.tagName === 'SELECT') return;
      event.preventDefault();
      return this.toggle(false);
    }
    const target = event.target as HTMLInputElement;
    const name = target.name as FormField;
    if (name === 'question') this.#draft.question = target.checked;
    else if (name in this.#draft) this.#draft[name as Exclude<keyof Draft, 'question'>] = target.value;
  }

  #fieldError(field: FormField): string | undefined {
    const fields = this.error?.fields ?? {};
    if (fields[field]) return fields[field];
    // Array items are named like `tags.2`.
    const key = Object.keys(fields).find((k) => k.startsWith(`${field}.`) || k.startsWith(`${field}[`));
    return key && fields[key];
  }

  #focusFirstError() {
    const first = FORM_FIELDS.find((f) => this.#fieldError(f));
    if (first === 'body') void this.#editor.write(true);
    else this.#hooks.focus(first ? `#${fieldId(first)}` : '#jc-topic-form-error');
  }

  async #submit(event: Event) {
    event.preventDefault();
    if (this.busy) return;
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const forumId = String(data.get('forumId') ?? '');
    const title = String(data.get('title') ?? '').trim();
    const body = this.#editor.value;
    const tags = parseTags(String(data.get('tags') ?? ''));
    const question = data.get('question') !== null;
    const missing: Record<string, string> = {};
    if (!forumId) missing.forumId = msg('Choose a forum');
    if (!title) missing.title = msg('Give the topic a title');
    if (!body.trim()) missing.body = msg('Write something');
    if (Object.keys(missing).length) {
      this.#set(false, new ApiError(400, 'VALIDATION_FAILED', msg('Some fields need your attention.'), missing));
      this.#focusFirstError();
      return;
    }
    this.#set(true, null);
    this.#clientId ??= crypto.randomUUID();
    try {
      const { topic } = await this.#hooks.create({
        forumId,
        title,
        body,
        question,
        clientId: this.#clientId,
        ...(tags.length ? { tags } : {}),
      });
      this.#clientId = null;
      this.#draft = emptyDraft();
      form.reset();
      this.#editor.clear();
      this.open = false;
      await this.#hooks.created(topic);
      this.#set(false, this.error);
    } catch (err) {
      const error = this.#hooks.failed(err);
      // A lost answer may have started it: the retry sends the same key. Anything refused is refused as a whole.
      if (!isRetryable(error)) this.#clientId = null;
      this.#set(false, error);
      this.#focusFirstError();
    }
  }

  /** The form, choosing among `forums` (`current` first, unless the user chose another). */
  render(forums: Forum[], current: string): TemplateResult {
    const off = this.busy;
    const error = this.error;
    const unshown = error && !FORM_FIELDS.some((f) => this.#fieldError(f)) ? error : null;
    const draft = this.#draft;
    const forumId = draft.forumId || current || forums[0]!.id;
    const field = (name: FormField, label: string, control: (a: FieldControl) => TemplateResult, hint?: string) =>
      renderField({ id: fieldId(name), label, hint, error: this.#fieldError(name) }, control);
    return html`<form
      id="jc-topic-form"
      class="topic-form"
      part="form"
      aria-labelledby="jc-topic-form-title"
      novalidate
      @submit=${this}
      @input=${this}
      @change=${this}
      @keydown=${this}
    >
      <h3 id="jc-topic-form-title">${msg('New topic')}</h3>
      ${field(
        'forumId',
        msg('Forum'),
        (a) => html`<select id="jc-topic-forum" part="input" name="forumId" aria-describedby=${a.describedBy ?? nothing} aria-invalid=${a.invalid} ?disabled=${off}>
          ${forums.map((f) => html`<option value=${f.id} ?selected=${f.id === forumId}>${f.name}</option>`)}
        </select>`,
      )}
      ${field(
        'title',
        msg('Title'),
        (a) => html`<input
          id="jc-topic-title"
          part="input"
          name="title"
          required
          maxlength="200"
          autocomplete="off"
          .value=${draft.title}
          aria-describedby=${a.describedBy ?? nothing}
          aria-invalid=${a.invalid}
          ?disabled=${off}
        />`,
      )}
      ${this.#editor.render({ label: msg('Details'), error: this.#fieldError('body'), name: 'body', maxlength: 20000, rows: 6 })}
      ${field(
        'tags',
        msg('Tags (optional)'),
        (a) => html`<input
          id="jc-topic-tags"
          part="input"
          name="tags"
          autocomplete="off"
          spellcheck="false"
          .value=${draft.tags}
          aria-describedby=${a.describedBy ?? nothing}
          aria-invalid=${a.invalid}
          ?disabled=${off}
        />`,
        msg('Up to 5, separated by commas or spaces: lower-case letters, digits and dashes (e.g. alpr, i-35).'),
      )}
      <div class="field check">
        <input
          id="jc-topic-question"
          part="input"
          type="checkbox"
          name="question"
          .checked=${draft.question}
          aria-describedby="jc-topic-question-hint${this.#fieldError('question') ? ' jc-topic-question-error' : ''}"
          ?disabled=${off}
        />
        <label for="jc-topic-question">${msg('This is a question')}</label>
        <span class="hint" id="jc-topic-question-hint">${msg('Replies can then be marked as the answer.')}</span>
        ${this.#fieldError('question') ? html`<span class="field-error" part="error" id="jc-topic-question-error">${this.#fieldError('question')}</span>` : nothing}
      </div>
      ${unshown ? html`<p class="error" part="error" role="alert" id="jc-topic-form-error" tabindex="-1">${errorText(unshown)}</p>` : nothing}
      <div class="form-actions">
        <button part="button" type="submit" aria-disabled=${off ? 'true' : 'false'}>${off ? msg('Posting…') : msg('Post topic')}</button>
        <button part="button" type="button" class="secondary" ?disabled=${off} @click=${() => this.toggle(false)}>${msg('Cancel')}</button>
      </div>
    </form>`;
  }
}
