import { msg, str } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';
import type { Community, Forum, TopicFilter, TopicSummary } from '../api/schemas.js';
import { formatNumber, intlLocale } from '../shared/localization.js';
import { renderTime } from '../shared/time.js';
import type { JcForum } from './forum.js';

/*
 * jc-forum's toolbar, notice and topic rows, as plain templates: they read the
 * element's public properties (forum, filter, tag, topic-href) and set the
 * first two themselves; what else they show or call is passed in.
 */

export const FILTERS: readonly TopicFilter[] = ['all', 'unanswered', 'answered', 'questions'];

function filterLabel(filter: TopicFilter): string {
  return {
    all: msg('All'),
    unanswered: msg('Unanswered'),
    answered: msg('Answered'),
    questions: msg('Questions'),
  }[filter];
}

/** The forum chooser, the filters, New topic (when the reader may post), and the tag the list is filtered by. */
export function renderToolbar(el: JcForum, forums: Forum[], canPost: boolean, formOpen: boolean, onTag: (tag: string) => void, onToggleForm: () => void) {
  return html`<div class="toolbar" part="toolbar">
      <div class="field forum-choice">
        <label for="jc-forum-choice">${msg('Forum')}</label>
        <select id="jc-forum-choice" part="input" @change=${(e: Event) => (el.forum = (e.target as HTMLSelectElement).value)}>
          <option value="" ?selected=${!el.forum}>${msg('All forums')}</option>
          ${forums.map(
            (f) => html`<option value=${f.id} ?selected=${f.id === el.forum}>
              ${f.name} (${f.topicCount === 1 ? msg('1 topic') : msg(str`${formatNumber(f.topicCount)} topics`)})
            </option>`,
          )}
        </select>
      </div>
      <div class="filters" role="group" aria-label=${msg('Show')}>
        ${FILTERS.map(
          (f) => html`<button
            part="filter button"
            type="button"
            class="small"
            data-filter=${f}
            aria-pressed=${el.filter === f ? 'true' : 'false'}
            @click=${() => (el.filter = f)}
          >
            ${filterLabel(f)}
          </button>`,
        )}
      </div>
      ${canPost
        ? html`<button
            part="button"
            type="button"
            id="jc-new-topic"
            class="small new-topic"
            aria-expanded=${formOpen ? 'true' : 'false'}
            aria-controls=${formOpen ? 'jc-topic-form' : nothing}
            @click=${onToggleForm}
          >
            ${msg('New topic')}
          </button>`
        : nothing}
    </div>
    ${el.tag
      ? html`<p class="tag-filter">
          ${msg('Showing topics tagged')} <span class="tag static" part="tag">${el.tag}</span>
          <button part="button" type="button" id="jc-clear-tag" class="small secondary" @click=${() => onTag('')}>${msg('Clear tag filter')}</button>
        </p>`
      : nothing}`;
}

/** Why the user cannot start a topic (when they cannot). */
export function renderNotice(info: Community | null, forums: Forum[]) {
  if (!info) return nothing;
  let text: string | null = null;
  if (info.archived) text = msg('This community is archived: its topics can be read but not added to.');
  else if (info.membership?.state === 'requested') text = msg(str`Your request to join ${info.name} is waiting for approval. You can start topics and reply once you are a member.`);
  else if (info.membership?.state === 'invited') text = msg(str`You are invited to ${info.name}. Accept the invitation to start topics and reply.`);
  else if (info.membership?.state !== 'active') text = msg(str`You are reading ${info.name} as a visitor. Only members can start topics and reply: join the community to take part.`);
  else if (forums.length === 0) text = msg('This community has no forums yet. Its owners and moderators can add one.');
  return text ? html`<p class="note" part="status">${text}</p>` : nothing;
}

function renderBadges(t: TopicSummary) {
  const badges: TemplateResult[] = [];
  const badge = (kind: string, icon: string, label: string) =>
    html`<li class="badge ${kind}" part="badge" data-badge=${kind}><span aria-hidden="true">${icon}</span> ${label}</li>`;
  if (t.pinned) badges.push(badge('pinned', '📌', msg('Pinned')));
  if (t.locked) badges.push(badge('locked', '🔒', msg('Locked')));
  if (t.question) badges.push(t.answered ? badge('answered', '✓', msg('Answered')) : badge('question', '?', msg('Question')));
  return badges.length ? html`<ul class="badges" aria-label=${msg('Status')}>${badges}</ul>` : nothing;
}

/** One topic: its title (a link to `topic-href`), badges, excerpt, tags (each filters by itself), author, forum, replies and last activity. */
export function renderTopic(el: JcForum, t: TopicSummary, now: number, onTag: (tag: string) => void, onSelect: (e: MouseEvent, t: TopicSummary) => void) {
  const replies = t.replyCount === 1 ? msg('1 reply') : msg(str`${formatNumber(t.replyCount)} replies`);
  const href = el.topicHref.replace(/\{(id|community)\}/g, (_m, key: 'id' | 'community') => encodeURIComponent(key === 'id' ? t.id : t.communitySlug));
  return html`<li class="topic" part="topic" data-topic=${t.id}>
    <h4 class="title">
      <a part="link" href=${href} data-id=${t.id} @click=${(e: MouseEvent) => onSelect(e, t)}>${t.title}</a>
    </h4>
    ${renderBadges(t)}
    ${t.excerpt ? html`<p class="excerpt">${t.excerpt}</p>` : nothing}
    ${t.tags.length
      ? html`<ul class="tags" aria-label=${msg('Tags')}>
          ${t.tags.map(
            (tag) => html`<li>
              <button part="tag" type="button" class="tag" aria-pressed=${el.tag === tag ? 'true' : 'false'} @click=${() => onTag(tag)}>
                <span class="visually-hidden">${msg('Show topics tagged')} </span>${tag}
              </button>
            </li>`,
          )}
        </ul>`
      : nothing}
    <p class="meta" part="meta">
      <span>${msg(str`By ${t.author.name}`)}${t.author.agency ? html`, <span class="agency">${t.author.agency}</span>` : nothing}</span>
      ${el.forum ? nothing : html`<span>${msg(str`in ${t.forumName}`)}</span>`}
      <span class="replies">${replies}</span>
      <span>${msg('Last activity')} ${renderTime(t.lastActivityAt, now, intlLocale())}</span>
    </p>
  </li>`;
}
