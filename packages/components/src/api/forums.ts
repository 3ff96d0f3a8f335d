/* A community's forums, their topics, and the moderators' flag queue (the forum API: /communities/{ref}/forums|topics, /topics/{id}…). */

import { call, type ApiTransport } from './transport.js';
import { community, queryString, topic } from './paths.js';
import { OkSchema } from './base-schemas.js';
import {
  ForumFlagListSchema,
  ForumListSchema,
  ForumSchema,
  TopicPageSchema,
  TopicSchema,
  type FlagReason,
  type Forum,
  type ForumCreate,
  type ForumFlag,
  type Topic,
  type TopicCreate,
  type TopicListQuery,
  type TopicPage,
  type TopicPatch,
} from './forum-schemas.js';

/** What creating a topic answered: a new topic (201), or the one an earlier try with the same `clientId` made (200). */
export interface TopicCreateResult {
  topic: Topic;
  created: boolean;
}

export const forumEndpoints = {
  /** A community's forums (anyone who may read it). */
  async listForums(this: ApiTransport, ref: string): Promise<Forum[]> {
    return (await call(this, `${community(ref)}/forums`, ForumListSchema)).items;
  },

  /** Adds a forum to a community (its owners and moderators). */
  async createForum(this: ApiTransport, ref: string, body: ForumCreate): Promise<Forum> {
    return call(this, `${community(ref)}/forums`, ForumSchema, 'POST', body);
  },

  /** A page of a community's topics: pinned first, then the most recently active. */
  async listTopics(this: ApiTransport, ref: string, query: TopicListQuery = {}): Promise<TopicPage> {
    const qs = queryString({ forum: query.forum, filter: query.filter, tag: query.tag, limit: query.limit, cursor: query.cursor });
    return call(this, `${community(ref)}/topics${qs}`, TopicPageSchema);
  },

  /** Starts a topic (active members). Re-sending the same `clientId` returns the same topic instead of a second one. */
  async createTopic(this: ApiTransport, ref: string, body: TopicCreate): Promise<TopicCreateResult> {
    const { data, response } = await this.request(`${community(ref)}/topics`, { method: 'POST', body, schema: TopicSchema });
    return { topic: data, created: response.status === 201 };
  },

  /** One topic, with what the signed-in user may do with it. */
  async getTopic(this: ApiTransport, id: string): Promise<Topic> {
    return call(this, topic(id), TopicSchema);
  },

  /** Edits a topic's title, body or tags (its author or a moderator). */
  async editTopic(this: ApiTransport, id: string, patch: TopicPatch): Promise<Topic> {
    return call(this, topic(id), TopicSchema, 'PATCH', patch);
  },

  /** Deletes a topic (a moderator; its author only while no one else has replied). */
  async deleteTopic(this: ApiTransport, id: string): Promise<void> {
    await call(this, topic(id), OkSchema, 'DELETE');
  },

  /** Pins (`on`) or unpins a topic (moderators). */
  async setTopicPinned(this: ApiTransport, id: string, on: boolean): Promise<Topic> {
    return call(this, `${topic(id)}/pin`, TopicSchema, on ? 'PUT' : 'DELETE');
  },

  /** Locks (`on`) or unlocks a topic (moderators); a locked topic takes no more replies but a moderator's. */
  async setTopicLocked(this: ApiTransport, id: string, on: boolean): Promise<Topic> {
    return call(this, `${topic(id)}/lock`, TopicSchema, on ? 'PUT' : 'DELETE');
  },

  /** Moves a topic to another forum of the same community (moderators). */
  async moveTopic(this: ApiTransport, id: string, forumId: string): Promise<Topic> {
    return call(this, `${topic(id)}/move`, TopicSchema, 'POST', { forumId });
  },

  /** Follows (`on`) or stops following a topic: followers hear of new replies. */
  async setTopicFollowing(this: ApiTransport, id: string, on: boolean): Promise<Topic> {
    return call(this, `${topic(id)}/follow`, TopicSchema, on ? 'PUT' : 'DELETE');
  },

  /** Marks a reply as a question's answer, or (`null`) takes the mark back (the asker or a moderator). */
  async setAnswer(this: ApiTransport, topicId: string, replyId: string | null): Promise<Topic> {
    const path = `${topic(topicId)}/answer`;
    const options = replyId === null ? { method: 'DELETE' } : { method: 'PUT', body: { replyId } };
    return (await this.request(path, { ...options, schema: TopicSchema })).data;
  },

  /** Flags a topic for the community's moderators ('other' needs a note). */
  async flagTopic(this: ApiTransport, id: string, reason: FlagReason, note?: string): Promise<void> {
    await call(this, `${topic(id)}/flag`, OkSchema, 'POST', note === undefined ? { reason } : { reason, note });
  },

  /** A community's open forum flags, newest first (moderators). */
  async listForumFlags(this: ApiTransport, ref: string): Promise<ForumFlag[]> {
    return (await call(this, `${community(ref)}/forum-flags`, ForumFlagListSchema)).items;
  },

  /** Closes a flag: `dismiss` keeps the content, `remove` deletes the flagged topic or reply (moderators). */
  async resolveForumFlag(this: ApiTransport, id: string, action: 'dismiss' | 'remove'): Promise<void> {
    await call(this, `/api/v1/forum-flags/${encodeURIComponent(id)}/resolve`, OkSchema, 'POST', { action });
  },
};
