/* A topic's replies (the forum API: /topics/{id}/replies, /replies/{id}…). */

import { call, type ApiTransport } from './transport.js';
import { queryString, reply, topic } from './paths.js';
import {
  LikeResultSchema,
  OkSchema,
  ReplyPageSchema,
  ReplySchema,
  type FlagReason,
  type LikeResult,
  type Reply,
  type ReplyCreate,
  type ReplyListQuery,
  type ReplyPage,
} from './schemas.js';

/** What creating a reply answered: a new reply (201), or the one an earlier try with the same `clientId` made (200). */
export interface ReplyCreateResult {
  reply: Reply;
  created: boolean;
}

/** A page of a topic's replies in thread order (each top-level reply followed by its nested ones); tombstones included. */
export async function listReplies(api: ApiTransport, topicId: string, query: ReplyListQuery = {}): Promise<ReplyPage> {
  const qs = queryString({ limit: query.limit, cursor: query.cursor, before: query.before, anchor: query.anchor });
  return call(api, `${topic(topicId)}/replies${qs}`, ReplyPageSchema);
}

/** Replies to a topic (active members; 403 TOPIC_LOCKED when locked). Re-sending the same `clientId` returns the same reply. */
export async function createReply(api: ApiTransport, topicId: string, body: ReplyCreate): Promise<ReplyCreateResult> {
  const { data, response } = await api.request(`${topic(topicId)}/replies`, { method: 'POST', body, schema: ReplySchema });
  return { reply: data, created: response.status === 201 };
}

/** One reply. */
export async function getReply(api: ApiTransport, id: string): Promise<Reply> {
  return call(api, reply(id), ReplySchema);
}

/** Edits a reply's body (its author). */
export async function editReply(api: ApiTransport, id: string, body: string): Promise<Reply> {
  return call(api, reply(id), ReplySchema, 'PATCH', { body });
}

/** Deletes a reply (its author or a moderator); it stays in the thread as a tombstone. */
export async function deleteReply(api: ApiTransport, id: string): Promise<void> {
  await call(api, reply(id), OkSchema, 'DELETE');
}

/** Likes (`on`) or unlikes a reply (members). */
export async function setReplyLiked(api: ApiTransport, id: string, on: boolean): Promise<LikeResult> {
  return call(api, `${reply(id)}/like`, LikeResultSchema, on ? 'PUT' : 'DELETE');
}

/** Flags a reply for the community's moderators ('other' needs a note). */
export async function flagReply(api: ApiTransport, id: string, reason: FlagReason, note?: string): Promise<void> {
  await call(api, `${reply(id)}/flag`, OkSchema, 'POST', note === undefined ? { reason } : { reason, note });
}
