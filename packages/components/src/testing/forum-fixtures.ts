import type { Forum, Reply } from '../api/schemas.js';
import { fixturePeople } from './community-fixtures.js';
import { minutesAgo } from './fixture-http.js';
import { AUTHORS } from './post-fixtures.js';

/* The demo forums, topics and replies (times relative to now). Their routes are in forum-routes.ts. */

/** A forum as the fixture server keeps it (topic count and last activity are worked out). */
export interface FixtureForum {
  id: string;
  /** The community's slug. */
  community: string;
  name: string;
  description: string;
}

/** A topic as the fixture server keeps it: its author and followers by id; counts and permissions are worked out. */
export interface FixtureTopic {
  id: string;
  forumId: string;
  title: string;
  body: string;
  tags: string[];
  question: boolean;
  answerReplyId: string | null;
  pinned: boolean;
  locked: boolean;
  authorId: string;
  createdAt: string;
  editedAt: string | null;
  lastActivityAt: string;
  followers: string[];
  clientId?: string;
}

/** The id of the fixture topic with `longThread` (10,000 by default) generated replies. */
export const LONG_TOPIC_ID = 'top_long';
/** The id of the fixture question topic with ~12 replies (nested, quoted, answer, tombstone). */
export const THREAD_TOPIC_ID = 'top_plate_readers';

/** The task force's two forums (as its settings name them) and one in the public interdiction community. */
export function fixtureForums(): FixtureForum[] {
  return [
    { id: 'frm_intel', community: 'i-35-corridor-task-force', name: 'Intelligence sharing', description: 'Trends, seizures and persons of interest along the corridor' },
    { id: 'frm_ops', community: 'i-35-corridor-task-force', name: 'Operations', description: 'Patrol schedules and joint operations' },
    { id: 'frm_caselaw', community: 'highway-interdiction', name: 'Case law', description: 'Recent decisions on stops and searches' },
  ];
}

export function fixtureTopic(id: string, forumId: string, authorId: string, ageMinutes: number, activityMinutes: number, title: string, body: string, extra: Partial<FixtureTopic> = {}): FixtureTopic {
  return {
    id,
    forumId,
    title,
    body,
    tags: [],
    question: false,
    answerReplyId: null,
    pinned: false,
    locked: false,
    authorId,
    createdAt: minutesAgo(ageMinutes),
    editedAt: null,
    lastActivityAt: minutesAgo(activityMinutes),
    followers: [authorId],
    ...extra,
  };
}

/** The demo topics (times relative to now): pinned, an answered and an unanswered question, a locked one, a 10,000-reply log. */
export function fixtureTopics(): FixtureTopic[] {
  return [
    fixtureTopic('top_guidelines', 'frm_intel', 'usr_dana', 60 * 24 * 40, 60 * 24 * 40, 'Forum guidelines: read before posting',
      'Share **trends and patterns**, not case files. No personally identifiable information about victims or witnesses; link to the case system instead.\n\nFlag anything that should not be here.',
      { pinned: true, locked: true, tags: ['guidelines'] }),
    fixtureTopic('top_memorial', 'frm_ops', 'usr_dana', 60 * 24 * 3, 45, 'Patrol schedule for the Memorial Day weekend',
      'Draft schedule for the long weekend, **Friday 1800 to Monday 2359**. Reply with your agency’s units and hours so we can close the gaps north of MM 230.',
      { pinned: true, tags: ['schedule', 'memorial-day'], followers: ['usr_dana', 'usr_marcus'] }),
    fixtureTopic(THREAD_TOPIC_ID, 'frm_intel', 'usr_ray', 60 * 24 * 2, 20, 'Which plate readers cover mile markers 180–230?',
      'Working a northbound pattern and need to know which **fixed and mobile** license plate readers cover MM 180 to MM 230, and who owns the data.',
      { question: true, answerReplyId: 'rpl_pr_07', tags: ['alpr', 'i-35'], followers: ['usr_ray', 'usr_dana'] }),
    fixtureTopic('top_reefer', 'frm_intel', 'usr_marcus', 90, 90, 'Anyone else seeing white reefers with altered VIN plates?',
      'Second one this month at MM 221: a white Utility reefer, Oklahoma plates, VIN plate riveted over. Has anyone else stopped one?',
      { question: true, tags: ['vehicles', 'vin'] }),
    fixtureTopic(LONG_TOPIC_ID, 'frm_ops', 'usr_marcus', 60 * 24 * 200, 8, 'Corridor daily log',
      'One reply a shift: what happened on your stretch of the corridor. Keep it short.',
      { tags: ['log'] }),
    fixtureTopic('top_red_river', 'frm_ops', 'usr_ray', 60 * 24 * 9, 60 * 24 * 6, 'Red River interdiction detail: debrief',
      'Thanks to everyone who worked the detail. Results and lessons learned below; the topic is locked now that the debrief is done.',
      { locked: true, tags: ['debrief'] }),
    fixtureTopic('top_training', 'frm_intel', 'usr_dana', 60 * 24 * 5, 60 * 24 * 4, 'Concealment methods in car carriers: training slides',
      'Slides from last week’s session on car-carrier concealment are on the [training site](https://www.example.gov/training).',
      { tags: ['training'] }),
    fixtureTopic('top_consent', 'frm_caselaw', 'usr_dana', 60 * 24 * 8, 60 * 24 * 8, 'Consent searches after a completed traffic stop',
      'A summary of this year’s appellate decisions on consent given after the citation is handed over.',
      { tags: ['consent', 'case-law'] }),
  ];
}

const person_ = (uid: string) => ({ id: uid, name: fixturePeople[uid]?.name ?? uid, agency: fixturePeople[uid]?.agency ?? null });

export function fixtureReply(id: string, topicId: string, authorId: string | null, ageMinutes: number, body: string, extra: Partial<Reply> = {}): Reply {
  return {
    id,
    topicId,
    parentId: null,
    quote: null,
    body,
    author: authorId ? person_(authorId) : null,
    createdAt: minutesAgo(ageMinutes),
    editedAt: null,
    deleted: false,
    likeCount: 0,
    liked: false,
    isAnswer: false,
    canEdit: false,
    canDelete: false,
    clientId: null,
    ...extra,
  };
}

/** The demo replies: the plate-reader question's twelve (one nested, one quote, the answer, a tombstone) and a few on the other topics. */
export function fixtureReplies(): Reply[] {
  const t = THREAD_TOPIC_ID;
  return [
    fixtureReply('rpl_pr_01', t, 'usr_dana', 60 * 47, 'TxDOT has fixed readers at **MM 184** and **MM 201**, both directions. The data sits with DPS.', { likeCount: 2 }),
    fixtureReply('rpl_pr_02', t, 'usr_marcus', 60 * 46, 'Hays County runs two mobile units between MM 205 and MM 215 on weekdays.'),
    fixtureReply('rpl_pr_03', t, 'usr_ray', 60 * 45, 'Do the mobile units share hits with the fusion center, or only in-house?', { parentId: 'rpl_pr_02' }),
    fixtureReply('rpl_pr_04', t, 'usr_marcus', 60 * 44, 'Both: hits go to the fusion center within the hour.', { parentId: 'rpl_pr_02', likeCount: 1 }),
    fixtureReply('rpl_pr_05', t, 'usr_ray', 60 * 40, 'So nothing fixed between 201 and 230?', {
      quote: { id: 'rpl_pr_01', authorName: 'Sgt. Dana Reyes', excerpt: 'TxDOT has fixed readers at MM 184 and MM 201, both directions.' },
    }),
    fixtureReply('rpl_pr_06', t, null, 60 * 39, '', { deleted: true }),
    fixtureReply('rpl_pr_07', t, 'usr_dana', 60 * 30,
      'Full coverage, as of this month:\n\n| MM | Type | Owner |\n| --- | --- | --- |\n| 184 | fixed | TxDOT / DPS |\n| 201 | fixed | TxDOT / DPS |\n| 205–215 | mobile, weekdays | Hays County |\n| 226 | fixed (new) | San Marcos PD |\n\nRequests for the data go through the DPS analyst desk.',
      { isAnswer: true, likeCount: 3 }),
    fixtureReply('rpl_pr_08', t, 'usr_ray', 60 * 29, 'That’s exactly it, thank you. Marking this as the answer.', { parentId: 'rpl_pr_07' }),
    fixtureReply('rpl_pr_09', t, 'usr_marcus', 60 * 20, 'San Marcos PD confirmed the MM 226 reader went live on the 3rd.'),
    fixtureReply('rpl_pr_10', t, 'usr_dana', 60 * 10, '@[Tpr. Ray Whitehorse](user:usr_ray) the analyst desk’s number is in the guidelines topic.'),
    fixtureReply('rpl_pr_11', t, 'usr_ray', 60 * 2, 'Got it. Filed the request this morning.'),
    fixtureReply('rpl_pr_12', t, 'usr_marcus', 20, 'Note: the MM 184 reader is down for maintenance until Friday.', { likeCount: 1 }),
    fixtureReply('rpl_mem_01', 'top_memorial', 'usr_marcus', 60 * 24 * 2, 'Hays County: two units, Friday and Saturday 1800–0200, MM 205–221.'),
    fixtureReply('rpl_mem_02', 'top_memorial', 'usr_ray', 60 * 24, 'OHP covers the Red River crossing all three nights.'),
    fixtureReply('rpl_mem_03', 'top_memorial', 'usr_dana', 45, 'Updated the draft. Still a gap Sunday night north of MM 230.'),
    fixtureReply('rpl_rr_01', 'top_red_river', 'usr_dana', 60 * 24 * 8, '14 stops, 3 seizures, 1 arrest on a warrant. Good work.'),
    fixtureReply('rpl_rr_02', 'top_red_river', 'usr_marcus', 60 * 24 * 6, 'Lesson learned: stage the K-9 unit closer to the crossing.'),
    fixtureReply('rpl_tr_01', 'top_training', 'usr_marcus', 60 * 24 * 4, 'Thanks. The section on deck compartments was very useful.'),
  ];
}

const LOG_LINES = [
  'Quiet shift, two warnings issued at MM 196.',
  'Stopped a **northbound** box truck at MM 214: paperwork in order.',
  'Heavy traffic after the game; no incidents.',
  'Plate reader hit on a stolen trailer near MM 188; recovered.',
  'Construction lane closure at MM 222 until 0500.',
  'Assisted Hays County with a pursuit that ended at MM 209.',
];

/**
 * `n` generated replies on one topic, a few minutes apart, oldest first, in
 * thread order: every tenth is nested under the one before it (one level),
 * every 25th quotes an earlier one and every 100th is a tombstone. For the
 * 10,000-reply thread's story, test and benchmark.
 */
export function manyFixtureReplies(topicId: string, n: number): Reply[] {
  const now = Date.now();
  const replies: Reply[] = [];
  let top: Reply | null = null;
  for (let i = 0; i < n; i++) {
    const id = `rpl_${topicId}_${String(i + 1).padStart(6, '0')}`;
    const authorId = AUTHORS[i % AUTHORS.length]!;
    const createdAt = new Date(now - (n - i) * 5 * 60_000).toISOString();
    const deleted = i % 100 === 99;
    const nested = top !== null && i % 10 === 9;
    const quoted = !nested && i >= 25 && i % 25 === 0 ? replies[i - 3] : undefined;
    const reply: Reply = {
      id,
      topicId,
      parentId: nested ? top!.id : null,
      quote: quoted && !quoted.deleted && quoted.author ? { id: quoted.id, authorName: quoted.author.name, excerpt: quoted.body.slice(0, 140) } : null,
      body: deleted ? '' : `${LOG_LINES[i % LOG_LINES.length]} (#${i + 1})`,
      author: deleted ? null : person_(authorId),
      createdAt,
      editedAt: null,
      deleted,
      likeCount: i % 7 === 0 ? (i % 5) + 1 : 0,
      liked: false,
      isAnswer: false,
      canEdit: false,
      canDelete: false,
      clientId: null,
    };
    replies.push(reply);
    if (!nested) top = reply;
  }
  return replies;
}
