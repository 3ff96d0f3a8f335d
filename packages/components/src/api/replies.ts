/* A topic's replies (the forum API: /topics/{id}/replies, /replies/{id}…). */

import { call, type ApiTransport } from './transport.js';
import { queryString, reply, topic } from './paths.js';
import { OkSchema } from './base-schemas.js';
import {
  LikeResultSchema,
  ReplyPageSchema,
  ReplySchema,
  type FlagReason,
  type LikeResult,
  type Reply,
  type ReplyCreate,
  type ReplyListQuery,
  type ReplyPage,
} from './forum-schemas.js';

/** What creating a reply answered: a new reply (201), or the one an earlier try with the same `clientId` made (200). */
export interface ReplyCreateResult {
  reply: Reply;
  created: boolean;
}

export const replyEndpoints = {
  /** A page of a topic's replies in thread order (each top-level reply followed by its nested ones); tombstones included. */
  async listReplies(this: ApiTransport, topicId: string, query: ReplyListQuery = {}): Promise<ReplyPage> {
    const qs = queryString({ limit: query.limit, cursor: query.cursor, before: query.before, anchor: query.anchor });
    return call(this, `${topic(topicId)}/replies${qs}`, ReplyPageSchema);
  },

  /** Replies to a topic (active members; 403 TOPIC_LOCKED when locked). Re-sending the same `clientId` returns the same reply. */
  async createReply(this: ApiTransport, topicId: string, body: ReplyCreate): Promise<ReplyCreateResult> {
    const { data, response } = await this.request(`${topic(topicId)}/replies`, { method: 'POST', body, schema: ReplySchema });
    return { reply: data, created: response.status === 201 };
  },

  /** One reply. */
  async getReply(this: ApiTransport, id: string): Promise<Reply> {
    return call(this, reply(id), ReplySchema);
  },

  /** Edits a reply's body (its author). */
  async editReply(this: ApiTransport, id: string, body: string): Promise<Reply> {
    return call(this, reply(id), ReplySchema, 'PATCH', { body });
  },

  /** Deletes a reply (its author or a moderator); it stays in the thread as a tombstone. */
  async deleteReply(this: ApiTransport, id: string): Promise<void> {
    await call(this, reply(id), OkSchema, 'DELETE');
  },

  /** Likes (`on`) or unlikes a reply (members). */
  async setReplyLiked(this: ApiTransport, id: string, on: boolean): Promise<LikeResult> {
    return call(this, `${reply(id)}/like`, LikeResultSchema, on ? 'PUT' : 'DELETE');
  },

  /** Flags a reply for the community's moderators ('other' needs a note). */
  async flagReply(this: ApiTransport, id: string, reason: FlagReason, note?: string): Promise<void> {
    await call(this, `${reply(id)}/flag`, OkSchema, 'POST', note === undefined ? { reason } : { reason, note });
  },
};
