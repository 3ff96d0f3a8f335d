import { ALLOW, MEMBERSHIP_REQUIRED, authored, conflict, forbid, type ContentRights, type Decision } from '../authz.ts';

/*
 * The forums' per-object rules (topics and replies), beside the community
 * rule (`decide()`, authz.ts): pure functions of the caller's rights in the
 * topic's community and the object, each answering a Decision. The routes
 * ask them before a change, the views for their `can…` flags.
 */

const TOPIC_LOCKED = forbid('TOPIC_LOCKED', 'This topic is locked: only moderators may reply or edit.');

interface TopicFacts {
  author_id: string;
  locked: number | boolean;
  question: number | boolean;
}

/** Reply to a topic: members; once it is locked, moderators only. */
export function replyToTopic(rights: ContentRights, topic: Pick<TopicFacts, 'locked'>): Decision {
  if (!rights.member) return MEMBERSHIP_REQUIRED;
  return topic.locked && !rights.moderator ? TOPIC_LOCKED : ALLOW;
}

/** Edit a topic: a moderator, or its author (a member) while it is unlocked. */
export function editTopic(rights: ContentRights, topic: Pick<TopicFacts, 'author_id' | 'locked'>): Decision {
  if (rights.moderator) return ALLOW;
  if (!authored(rights, topic)) return forbid('AUTHOR_REQUIRED', 'Only its author or a moderator may edit a topic.');
  if (!rights.member) return MEMBERSHIP_REQUIRED;
  return topic.locked ? TOPIC_LOCKED : ALLOW;
}

/** Delete a topic: a moderator, or its author (a member) while no one else has replied. */
export function deleteTopic(rights: ContentRights, topic: Pick<TopicFacts, 'author_id'>, othersReplied: boolean): Decision {
  if (rights.moderator) return ALLOW;
  if (!authored(rights, topic)) return forbid('MODERATOR_REQUIRED', 'Only a moderator may delete someone else’s topic.');
  if (!rights.member || othersReplied) return forbid('MODERATOR_REQUIRED', 'Others have replied: only a moderator may delete this topic now.');
  return ALLOW;
}

/** Choose (or unchoose) a question's answer: its asker or a moderator, members both. */
export function answerTopic(rights: ContentRights, topic: Pick<TopicFacts, 'author_id' | 'question'>): Decision {
  if (!topic.question) return conflict('NOT_A_QUESTION', 'Only a question has an answer.');
  if (!rights.member) return MEMBERSHIP_REQUIRED;
  return rights.moderator || authored(rights, topic) ? ALLOW : forbid('ASKER_REQUIRED', 'Only the asker or a moderator may choose the answer.');
}

/** Edit a reply: its author (a member), while the topic is unlocked (or the author moderates). */
export function editReply(rights: ContentRights, reply: { author_id: string }, topic: Pick<TopicFacts, 'locked'>): Decision {
  if (!authored(rights, reply)) return forbid('AUTHOR_REQUIRED', 'Only its author may edit a reply.');
  return replyToTopic(rights, topic);
}

/** Delete a reply: its author (a member), or a moderator. */
export function deleteReply(rights: ContentRights, reply: { author_id: string }): Decision {
  return rights.moderator || (authored(rights, reply) && rights.member) ? ALLOW : forbid('MODERATOR_REQUIRED', 'Only its author or a moderator may delete a reply.');
}
