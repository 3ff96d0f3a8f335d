import type {
  Attachment,
  Comment,
  Community,
  CommunitySettings,
  Forum,
  Me,
  Member,
  Membership,
  Post,
  PostType,
  ReactionKind,
  Reply,
  Role,
  Topic,
  TopicSummary,
  Visibility,
} from '../api/schemas.js';
import { FLAG_REASONS as FLAG_REASON_LIST } from '../api/schemas.js';
import { activityFixtureServer, isActivityPath, type ActivityFixtureOptions } from './activity-fixtures.js';
import { serviceFixtureServer, type ServiceFixtureOptions } from './service-fixtures.js';
import { neverAnswered, trackFixtureRequest } from './fixture-requests.js';

/**
 * Recorded answers of the JusticeConnect API, so Storybook previews every
 * widget state offline. Shapes are the server's (`GET /api/v1/me`,
 * `GET /api/v1/communities` etc.).
 */
export const fixtureUsers = {
  optedIn: {
    id: 'usr_dana',
    name: 'Sgt. Dana Reyes',
    email: 'dana.reyes@txdps.demo.test',
    status: 'active',
    title: 'Sergeant, Highway Patrol',
    mobile: null,
    agency: { id: 'agy_txdps', name: 'Texas Department of Public Safety (demo)', ori: 'TXDPS0000' },
    optedIn: true,
    optedInAt: '2026-11-02T15:04:05.000Z',
  },
  notOptedIn: {
    id: 'usr_lena',
    name: 'Ofc. Lena Ortiz',
    email: 'lena.ortiz@laredo.demo.test',
    status: 'active',
    title: 'Patrol Officer',
    mobile: null,
    agency: { id: 'agy_laredo', name: 'Laredo Police Department (demo)', ori: 'TX2400200' },
    optedIn: false,
    optedInAt: null,
  },
  /** Owns the moderated Gang Intelligence Exchange, which has requests to join waiting. */
  owner: {
    id: 'usr_marcus',
    name: 'Det. Marcus Hill',
    email: 'marcus.hill@hayscounty.demo.test',
    status: 'active',
    title: 'Narcotics Detective',
    mobile: null,
    agency: { id: 'agy_hays', name: 'Hays County Sheriff’s Office (demo)', ori: 'TX1050000' },
    optedIn: true,
    optedInAt: '2026-10-14T09:30:00.000Z',
  },
  /** Waiting for the agency administrator's approval. */
  pending: {
    id: 'usr_pat',
    name: 'Dep. Pat Nguyen',
    email: 'pat.nguyen@hayscounty.demo.test',
    status: 'pending',
    title: 'Deputy',
    mobile: null,
    agency: { id: 'agy_hays', name: 'Hays County Sheriff’s Office (demo)', ori: 'TX1050000' },
    optedIn: true,
    optedInAt: '2026-11-20T10:00:00.000Z',
  },
} satisfies Record<string, Me>;

/** Everyone a fixture member list can name (user id → name and agency). */
const fixturePeople: Record<string, { name: string; agency: string | null }> = {
  usr_dana: { name: 'Sgt. Dana Reyes', agency: 'Texas Department of Public Safety (demo)' },
  usr_marcus: { name: 'Det. Marcus Hill', agency: 'Hays County Sheriff’s Office (demo)' },
  usr_ray: { name: 'Tpr. Ray Whitehorse', agency: 'Oklahoma Highway Patrol (demo)' },
  usr_lena: { name: 'Ofc. Lena Ortiz', agency: 'Laredo Police Department (demo)' },
  usr_pat: { name: 'Dep. Pat Nguyen', agency: 'Hays County Sheriff’s Office (demo)' },
  usr_jo: { name: 'Inv. Jo Alvarez', agency: 'Laredo Police Department (demo)' },
  usr_sam: { name: 'Analyst Sam Birch', agency: 'Oklahoma Highway Patrol (demo)' },
};

/** A community as the fixture server keeps it: the server's view, with every membership by user id. */
export interface FixtureCommunity extends Omit<Community, 'path' | 'memberCount' | 'membership'> {
  members: Record<string, Membership & { since: string }>;
}

const taskForceSettings: CommunitySettings = {
  descriptionTemplate: 'A multi-agency task force. Purpose, area of operations and points of contact:',
  forums: [
    { name: 'Intelligence sharing', description: 'Trends, seizures and persons of interest along the corridor' },
    { name: 'Operations', description: 'Patrol schedules and joint operations' },
  ],
  activityTemplates: [
    { title: 'Peak trafficking times on the I-35 corridor', steps: ['Develop a patrol schedule', 'Communicate the schedule to members', 'Plan a time to assess the result'] },
  ],
};

function community(
  slug: string,
  name: string,
  visibility: Visibility,
  updatedAt: string,
  members: Record<string, [Role, Membership['state']]>,
  extra: Partial<FixtureCommunity> = {},
): FixtureCommunity {
  return {
    id: `com_${slug}`,
    slug,
    name,
    description: '',
    bannerUrl: null,
    tags: [],
    visibility,
    parentId: null,
    settings: {},
    archived: false,
    createdAt: updatedAt,
    updatedAt,
    members: Object.fromEntries(Object.entries(members).map(([id, [role, state]]) => [id, { role, state, since: updatedAt }])),
    ...extra,
  };
}

/** The demo communities (like the server's seed, plus an invitation and a request for Dana), newest first. */
export function fixtureCommunities(): FixtureCommunity[] {
  return [
    community('border-analysts', 'Southwest Border Analysts', 'moderated', '2026-12-01T16:00:00.000Z', {
      usr_sam: ['owner', 'active'],
      usr_dana: ['member', 'requested'],
    }),
    community('i-35-laredo-working-group', 'Laredo Port of Entry Working Group', 'restricted', '2026-11-30T12:00:00.000Z', {
      usr_dana: ['owner', 'active'],
      usr_ray: ['member', 'active'],
    }, { parentId: 'com_i-35-corridor-task-force', description: 'The task force’s southern working group: northbound traffic from the Laredo ports of entry.' }),
    community('i-35-corridor-task-force', 'I-35 Corridor Drug Trafficking Task Force', 'restricted', '2026-11-29T12:00:00.000Z', {
      usr_dana: ['owner', 'active'],
      usr_marcus: ['moderator', 'active'],
      usr_ray: ['member', 'active'],
    }, { settings: taskForceSettings, tags: ['task force', 'narcotics', 'I-35'] }),
    community('oklahoma-fusion-liaison', 'Oklahoma Fusion Center Liaison', 'restricted', '2026-11-25T08:00:00.000Z', {
      usr_ray: ['owner', 'active'],
      usr_dana: ['member', 'invited'],
    }),
    community('highway-interdiction', 'Texas Highway Interdiction', 'public', '2026-11-20T12:00:00.000Z', {
      usr_dana: ['owner', 'active'],
      usr_ray: ['member', 'active'],
    }, { description: 'Open to every opted-in officer: interdiction training, case law and techniques.' }),
    community('gang-intelligence-exchange', 'Gang Intelligence Exchange', 'moderated', '2026-11-18T12:00:00.000Z', {
      usr_marcus: ['owner', 'active'],
      usr_ray: ['member', 'requested'],
      usr_jo: ['member', 'requested'],
    }, { description: 'Analysts and investigators sharing gang intelligence across Texas and Oklahoma. Ask to join.' }),
  ];
}

/** The one-time code the fixtures accept (any other 6 digits are wrong, but `FIXTURE_USED_CODE` "was already used"). */
export const FIXTURE_CODE = '123456';
export const FIXTURE_USED_CODE = '111111';
/** The authenticator secret the fixtures' enrolment shows (a well-known example, never a real account's). */
export const FIXTURE_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
/** The backup codes the fixtures' enrolment shows; the first works as one. */
export const FIXTURE_BACKUP_CODES = ['8f2kq-7vx3m', 'p4c9w-2hd6t', 'm7r3z-9kq2b', 'x5n8d-4wf7c', 'b2t6h-8pz5k', 'q9w4c-3mv8r', 'h6k2x-5td9n', 'z3p7m-6cb4w', 'c8v5r-2nq7h', 'w4d9k-7xm3p'];

/** The system-use notice, as the server sends it (packages/server/src/routes/notice.ts). */
export const fixtureNotice = {
  version: '2026-11-01',
  title: 'U.S. Government information system',
  paragraphs: [
    'You are accessing a U.S. Government information system, which includes this computer, this computer network, all computers connected to this network, and all devices and/or storage media attached to this network or to a computer on this network. This information system is provided for U.S. Government-authorized use only.',
    'Unauthorized or improper use of this system may result in disciplinary action, and civil and criminal penalties. By using this information system, you understand and consent to the following:',
    'You have no reasonable expectation of privacy regarding any communications transmitted through or data stored on this information system.',
    'At any time, the government may monitor, intercept, search and/or seize data transmitted or stored on this information system. Any communications transmitted through or data stored on this information system may be disclosed or used for any U.S. Government-authorized purpose.',
  ],
};

export interface FixtureOptions extends ActivityFixtureOptions, ServiceFixtureOptions {
  /** Who is signed in at first (null: nobody); with `stage`, who is half way through signing in. */
  me?: Me | null;
  /**
   * Where `me`'s sign-in stands at first: `in` (default), `enrol` (signed in
   * with the password, no authenticator yet) or `notice` (the notice not yet accepted).
   */
  stage?: 'in' | 'enrol' | 'notice';
  /**
   * What signing in with the password does: `totp` (default) asks for the
   * code (`FIXTURE_CODE`), `enrol` sets up an authenticator first, `locked`
   * answers that the account is locked.
   */
  signIn?: 'totp' | 'enrol' | 'locked';
  /** The session's idle timeout in seconds (`GET /api/v1/session`; default 1800). */
  idleTimeoutSeconds?: number;
  /** Every request fails as if offline. */
  offline?: boolean;
  /** Requests never answer (to show loading states). */
  pending?: boolean;
  /** Milliseconds before each answer. */
  delay?: number;
  /** The communities the fixture server knows (default: `fixtureCommunities()`). */
  communities?: FixtureCommunity[];
  /** Community requests fail with a server error (the session still loads). */
  communitiesFail?: boolean;
  /** The posts the fixture server knows (default: `fixturePosts()`). */
  posts?: FixturePost[];
  /** Reading posts fails with a server error (the community still loads). */
  postsFail?: boolean;
  /** Reading posts never answers (to show the feed's loading state). */
  postsPending?: boolean;
  /** How many tries to publish a post fail as if offline (then they succeed). */
  sendFails?: number;
  /** The forums the fixture server knows (default: `fixtureForums()`). */
  forums?: FixtureForum[];
  /** The topics the fixture server knows (default: `fixtureTopics()`). */
  topics?: FixtureTopic[];
  /** The replies the fixture server knows, every topic's (default: `fixtureReplies()`). */
  replies?: Reply[];
  /** How many replies the long topic `top_long` has, generated on first read (default 10,000; 0: no such topic). */
  longThread?: number;
  /** Reading forums and topics fails with a server error (the community still loads). */
  forumsFail?: boolean;
  /** Reading forums and topics never answers (to show the forum's loading state). */
  forumsPending?: boolean;
}

/* ---------- posts ---------- */

/** A post as the fixture server keeps it: who reacted how, its comments, its author by id. */
export interface FixturePost {
  id: string;
  /** The community's slug. */
  community: string;
  type: PostType;
  title: string | null;
  body: string;
  authorId: string;
  createdAt: string;
  editedAt: string | null;
  attachment: Attachment | null;
  /** User ids per reaction kind. */
  reactions: Record<ReactionKind, string[]>;
  comments: { id: string; authorId: string; body: string; createdAt: string }[];
  clientId?: string;
}

const minutesAgo = (m: number, from = Date.now()) => new Date(from - m * 60_000).toISOString();

function fixturePost(id: string, community: string, authorId: string, ageMinutes: number, body: string, extra: Partial<FixturePost> = {}): FixturePost {
  return {
    id,
    community,
    type: extra.attachment ? 'file' : 'status',
    title: null,
    body,
    authorId,
    createdAt: minutesAgo(ageMinutes),
    editedAt: null,
    attachment: null,
    reactions: { like: [], thanks: [], important: [] },
    comments: [],
    ...extra,
  };
}

/** The demo feed: the task force's corridor traffic and the public interdiction community's, newest first (times relative to now). */
export function fixturePosts(): FixturePost[] {
  return [
    fixturePost(
      'pst_demo_mm221',
      'i-35-corridor-task-force',
      'usr_marcus',
      6,
      'Northbound tractor-trailer stopped at **MM 221** last night: the VIN plates on the trailer were *altered*. The stop report is attached.\n\nIf you see a white Utility reefer with Oklahoma plates, call Hays County dispatch.',
      {
        attachment: { id: 'fil_demo_report', filename: 'MM221-stop-report.pdf', contentType: 'application/pdf', size: 248_331, url: '/api/v1/files/fil_demo_report' },
        reactions: { like: ['usr_ray'], thanks: ['usr_dana'], important: ['usr_dana', 'usr_ray'] },
        comments: [
          { id: 'cmt_demo_1', authorId: 'usr_ray', body: 'Same trailer was seen at the Red River crossing on Tuesday. Sending the plate reader hits.', createdAt: minutesAgo(4) },
          { id: 'cmt_demo_2', authorId: 'usr_dana', body: 'Thanks, Ray. Marcus, can you add the photos to the case file?', createdAt: minutesAgo(2) },
        ],
      },
    ),
    fixturePost(
      'pst_demo_detail',
      'i-35-corridor-task-force',
      'usr_ray',
      180,
      'OHP is running a joint interdiction detail on I-35 at the Red River this weekend:\n\n- Friday 1800–0200\n- Saturday 1800–0200\n\nMessage me for the operations plan.',
      { reactions: { like: ['usr_dana', 'usr_marcus'], thanks: [], important: [] } },
    ),
    fixturePost(
      'pst_demo_welcome',
      'i-35-corridor-task-force',
      'usr_dana',
      60 * 26,
      'Welcome to the task force feed. Use it for **time-sensitive** corridor information; case details stay in the case system. Guidance: [corridor reporting](https://www.example.gov/corridor-reporting).',
      { reactions: { like: ['usr_marcus', 'usr_ray'], thanks: ['usr_marcus'], important: [] } },
    ),
    fixturePost(
      'pst_demo_training',
      'highway-interdiction',
      'usr_dana',
      60 * 5,
      'Spring interdiction training dates are posted. Topics: *consent searches*, hidden compartments, and recent case law.',
    ),
  ];
}

const FILLER = [
  'Shift briefing notes for the corridor are up to date.',
  'Plate reader hit on a **stolen** vehicle near MM 188; unit responding.',
  'Reminder: submit seizure reports within 24 hours.',
  'Weather advisory for the northern section tonight. Slow traffic expected.',
  'New [bulletin](https://www.example.gov/bulletin) on concealment methods in car carriers.',
];
const AUTHORS = ['usr_dana', 'usr_marcus', 'usr_ray'];

/** `count` generated posts in one community, a few minutes apart (the long-feed story and test). */
export function manyFixturePosts(count: number, community = 'i-35-corridor-task-force'): FixturePost[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => ({
    id: `pst_many_${String(count - i).padStart(6, '0')}`,
    community,
    type: 'status' as const,
    title: null,
    body: `${FILLER[i % FILLER.length]} (#${count - i})`,
    authorId: AUTHORS[i % AUTHORS.length]!,
    createdAt: minutesAgo(3 + i * 7, now),
    editedAt: null,
    attachment: null,
    reactions: { like: i % 3 === 0 ? ['usr_ray'] : [], thanks: [], important: i % 11 === 0 ? ['usr_dana'] : [] },
    comments: [],
  }));
}


/* ---------- forums, topics and replies ---------- */

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

function fixtureTopic(id: string, forumId: string, authorId: string, ageMinutes: number, activityMinutes: number, title: string, body: string, extra: Partial<FixtureTopic> = {}): FixtureTopic {
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

function fixtureReply(id: string, topicId: string, authorId: string | null, ageMinutes: number, body: string, extra: Partial<Reply> = {}): Reply {
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

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const fail = (status: number, code: string, message: string, fields?: Record<string, string>) =>
  json(status, { error: fields ? { code, message, fields } : { code, message } });
const unauthenticated = () => fail(401, 'UNAUTHENTICATED', 'Sign in to use this.');
const notFound = () => fail(404, 'NOT_FOUND', 'No such community.');

/** The community routes, answered from memory by the server's rules (simplified). */
function communityServer(communities: FixtureCommunity[]) {
  const byRef = (ref: string) => communities.find((c) => c.slug === ref || c.id === ref);
  const chain = (c: FixtureCommunity) => {
    const out = [c];
    for (let p = c.parentId ? byRef(c.parentId) : undefined; p; p = p.parentId ? byRef(p.parentId) : undefined) out.unshift(p);
    return out;
  };
  const roleIn = (c: FixtureCommunity, uid: string): Role | null => {
    for (const link of chain(c)) if (link.members[uid]?.state !== 'active') return null;
    return c.members[uid]!.role;
  };
  const readable = (c: FixtureCommunity, uid: string) =>
    !c.archived && chain(c).every((link) => link.visibility !== 'restricted' || link.members[uid]?.state === 'active' || link.members[uid]?.state === 'invited');
  const manager = (c: FixtureCommunity, uid: string) => ['owner', 'moderator'].includes(roleIn(c, uid) ?? '');
  const view = (c: FixtureCommunity, uid: string): Community => {
    const { members, ...rest } = c;
    const own = members[uid];
    return {
      ...rest,
      path: chain(c).slice(0, -1).map(({ id, slug, name }) => ({ id, slug, name })),
      memberCount: Object.values(members).filter((m) => m.state === 'active').length,
      membership: own ? { role: own.role, state: own.state } : null,
    };
  };
  const memberView = (uid: string, m: Membership & { since: string }): Member => ({
    userId: uid,
    name: fixturePeople[uid]?.name ?? uid,
    agency: fixturePeople[uid]?.agency ?? null,
    role: m.role,
    state: m.state,
    since: m.since,
  });
  const touch = (c: FixtureCommunity, uid: string, m: Membership) => (c.members[uid] = { ...m, since: new Date().toISOString() });

  /* Posts: newest first, offset cursors; the same rules as the server (members write, everyone who may read reads). */
  const person = (uid: string) => ({ id: uid, name: fixturePeople[uid]?.name ?? uid, agency: fixturePeople[uid]?.agency ?? null });
  const contentReadable = (c: FixtureCommunity, uid: string) => readable(c, uid) && (c.visibility !== 'restricted' || roleIn(c, uid) !== null);
  const postView = (p: FixturePost, uid: string): Post => {
    const c = byRef(p.community)!;
    return {
      id: p.id,
      communityId: c.id,
      communitySlug: c.slug,
      communityName: c.name,
      type: p.type,
      title: p.title,
      body: p.body,
      author: person(p.authorId),
      createdAt: p.createdAt,
      editedAt: p.editedAt,
      attachment: p.attachment,
      reactions: { like: p.reactions.like.length, thanks: p.reactions.thanks.length, important: p.reactions.important.length },
      myReactions: (Object.keys(p.reactions) as ReactionKind[]).filter((k) => p.reactions[k].includes(uid)),
      commentCount: p.comments.length,
      canEdit: p.authorId === uid && Date.now() - Date.parse(p.createdAt) < 15 * 60_000,
      canDelete: p.authorId === uid || manager(c, uid),
    };
  };
  const commentView = (p: FixturePost, c: FixturePost['comments'][number]): Comment => ({ id: c.id, postId: p.id, body: c.body, author: person(c.authorId), createdAt: c.createdAt });
  const page = (items: FixturePost[], url: URL, uid: string) => {
    const type = url.searchParams.get('type');
    const limit = Math.min(100, Number(url.searchParams.get('limit') ?? 20));
    const offset = Number(url.searchParams.get('cursor') ?? 0);
    const all = items.filter((p) => !type || p.type === type).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
    return json(200, { items: all.slice(offset, offset + limit).map((p) => postView(p, uid)), nextCursor: all.length > offset + limit ? String(offset + limit) : null });
  };
  const body_ = (body: Record<string, unknown>) => (typeof body.body === 'string' ? body.body.trim() : '');
  let sequence = 0;
  const files = new Map<string, Blob>();

  const postsRoutes = (options: FixtureOptions, posts: FixturePost[]) => {
    let sendFailures = options.sendFails ?? 0;
    /** `GET|POST /communities/{ref}/posts`, `POST /communities/{ref}/files` (the community is readable). */
    const community = async (me: Me, method: string, url: URL, c: FixtureCommunity, action: string, body: Record<string, unknown>, form: FormData | null): Promise<Response> => {
      const uid = me.id;
      if (!contentReadable(c, uid)) return fail(403, 'MEMBERSHIP_REQUIRED', 'Join this community to see inside it.');
      if (action === 'posts' && method === 'GET') {
        if (options.postsPending) return neverAnswered();
        if (options.postsFail) return fail(500, 'INTERNAL', 'Something went wrong on the server.');
        return page(posts.filter((p) => p.community === c.slug), url, uid);
      }
      if (!roleIn(c, uid)) return fail(403, 'MEMBERSHIP_REQUIRED', 'Join this community to do that.');
      if (action === 'files' && method === 'POST') {
        const file = form?.get('file');
        if (!(file instanceof File)) return fail(400, 'VALIDATION_FAILED', 'Send the file in the field "file".', { file: 'Required' });
        if (file.size > 10 * 1024 * 1024) return fail(413, 'FILE_TOO_LARGE', 'Files may be at most 10 MB.', { file: 'Too large' });
        if (!/\.(pdf|png|jpe?g|gif|txt|csv|docx|xlsx)$/i.test(file.name)) return fail(415, 'FILE_TYPE_NOT_ALLOWED', 'Allowed files: .pdf .png .jpg .jpeg .gif .txt .csv .docx .xlsx', { file: 'Type not allowed' });
        const id = `fil_fixture_${++sequence}`;
        files.set(id, file);
        return json(201, { id, filename: file.name, contentType: file.type || 'application/octet-stream', size: file.size, url: `/api/v1/files/${id}` });
      }
      if (action === 'posts' && method === 'POST') {
        if (sendFailures > 0) {
          sendFailures--;
          throw new TypeError('Failed to fetch');
        }
        const text = body_(body);
        if (!text) return fail(400, 'VALIDATION_FAILED', 'Invalid request body: body (Write something)', { body: 'Write something' });
        const clientId = typeof body.clientId === 'string' ? body.clientId : undefined;
        const again = clientId ? posts.find((p) => p.authorId === uid && p.clientId === clientId) : undefined;
        if (again) return json(200, postView(again, uid));
        const attachmentId = typeof body.attachmentId === 'string' ? body.attachmentId : null;
        const file = attachmentId ? files.get(attachmentId) : undefined;
        const created = fixturePost(`pst_fixture_${Date.now().toString(36)}_${++sequence}`, c.slug, uid, 0, text, {
          clientId,
          attachment: file && attachmentId ? { id: attachmentId, filename: (file as File).name, contentType: file.type, size: file.size, url: `/api/v1/files/${attachmentId}` } : null,
        });
        posts.unshift(created);
        return json(201, postView(created, uid));
      }
      return fail(404, 'NOT_FOUND', `No fixture for ${method} ${url.pathname}`);
    };

    /** `/feed`, `/posts/{id}…` and `/files/{id}`. */
    const other = (me: Me, method: string, url: URL, body: Record<string, unknown>): Response => {
      const uid = me.id;
      if (url.pathname === '/api/v1/feed' && method === 'GET') {
        if (options.postsPending) return neverAnswered() as never;
        if (options.postsFail) return fail(500, 'INTERNAL', 'Something went wrong on the server.');
        return page(posts.filter((p) => { const c = byRef(p.community); return c && readable(c, uid) && roleIn(c, uid); }), url, uid);
      }
      const fileMatch = /^\/api\/v1\/files\/([^/]+)$/.exec(url.pathname);
      if (fileMatch && method === 'GET') {
        const blob = files.get(decodeURIComponent(fileMatch[1]!)) ?? new Blob(['A recorded fixture file.'], { type: 'text/plain' });
        return new Response(blob, { status: 200, headers: { 'content-type': blob.type || 'application/octet-stream' } });
      }
      const [, id, action, kind] = url.pathname.replace(/^\/api\/v1\/posts\//, '/').split('/').map(decodeURIComponent);
      const p = posts.find((x) => x.id === id);
      const c = p ? byRef(p.community) : undefined;
      if (!p || !c || !contentReadable(c, uid)) return fail(404, 'NOT_FOUND', 'No such post.');
      const member = roleIn(c, uid) !== null;
      const needMember = () => fail(403, 'MEMBERSHIP_REQUIRED', 'Join this community to do that.');
      if (!action && method === 'PATCH') {
        if (!member) return needMember();
        if (p.authorId !== uid) return fail(403, 'AUTHOR_REQUIRED', 'Only its author may edit a post.');
        const text = body_(body);
        if (!text) return fail(400, 'VALIDATION_FAILED', 'Invalid request body: body (Write something)', { body: 'Write something' });
        p.body = text;
        p.editedAt = new Date().toISOString();
        return json(200, postView(p, uid));
      }
      if (!action && method === 'DELETE') {
        if (p.authorId !== uid && !manager(c, uid)) return fail(403, 'MODERATOR_REQUIRED', 'Only its author or a moderator may delete a post.');
        posts.splice(posts.indexOf(p), 1);
        return json(200, { ok: true });
      }
      if (action === 'reactions' && (kind === 'like' || kind === 'thanks' || kind === 'important') && (method === 'PUT' || method === 'DELETE')) {
        if (!member) return needMember();
        const list = p.reactions[kind].filter((u) => u !== uid);
        p.reactions[kind] = method === 'PUT' ? [...list, uid] : list;
        const v = postView(p, uid);
        return json(200, { reactions: v.reactions, myReactions: v.myReactions });
      }
      if (action === 'comments' && method === 'GET') return json(200, { items: p.comments.map((x) => commentView(p, x)) });
      if (action === 'comments' && method === 'POST') {
        if (!member) return needMember();
        const text = body_(body);
        if (!text) return fail(400, 'VALIDATION_FAILED', 'Invalid request body: body (Write something)', { body: 'Write something' });
        const comment = { id: `cmt_fixture_${++sequence}`, authorId: uid, body: text, createdAt: new Date().toISOString() };
        p.comments.push(comment);
        return json(201, commentView(p, comment));
      }
      if (action === 'report' && method === 'POST') {
        if (typeof body.reason !== 'string' || !body.reason.trim()) return fail(400, 'VALIDATION_FAILED', 'Invalid request body: reason (Required)', { reason: 'Required' });
        return json(200, { ok: true });
      }
      return fail(404, 'NOT_FOUND', `No fixture for ${method} ${url.pathname}`);
    };
    return { community, other };
  };

  const handle = (me: Me, method: string, url: URL, body: Record<string, unknown>): Response => {
    const uid = me.id;
    const parts = url.pathname.replace(/^\/api\/v1\/communities\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
    const [ref, action, memberId, memberAction] = parts;

    if (!ref && method === 'GET') {
      const scope = url.searchParams.get('scope') ?? 'mine';
      const limit = Number(url.searchParams.get('limit') ?? 25);
      const offset = Number(url.searchParams.get('cursor') ?? 0);
      const parent = url.searchParams.get('parent');
      const items = communities
        .filter((c) => readable(c, uid) && (scope === 'all' || c.members[uid]) && (!parent || c.parentId === byRef(parent)?.id))
        .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
      const page = items.slice(offset, offset + limit);
      return json(200, { items: page.map((c) => view(c, uid)), nextCursor: items.length > offset + limit ? String(offset + limit) : null });
    }
    if (!ref && method === 'POST') {
      const name = typeof body.name === 'string' ? body.name.trim() : '';
      if (!name) return fail(400, 'VALIDATION_FAILED', 'Invalid request body: name (Enter a name)', { name: body.name === undefined ? 'Required' : 'Enter a name' });
      const slug = typeof body.slug === 'string' ? body.slug.trim().toLowerCase() : name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
      if (!/^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$/.test(slug))
        return fail(400, 'VALIDATION_FAILED', 'Invalid request body: slug (Use 1–60 lowercase letters, digits and dashes)', { slug: 'Use 1–60 lowercase letters, digits and dashes' });
      if (byRef(slug)) return fail(409, 'SLUG_TAKEN', 'Another community already uses that address.', { slug: 'Already in use' });
      let parentId: string | null = null;
      if (typeof body.parent === 'string') {
        const parent = byRef(body.parent);
        if (!parent || !readable(parent, uid)) return notFound();
        if (!manager(parent, uid)) return fail(403, 'MODERATOR_REQUIRED', 'Only an owner or moderator may do that.');
        parentId = parent.id;
      }
      let copied: Partial<FixtureCommunity> = {};
      if (typeof body.copyFrom === 'string') {
        const source = byRef(body.copyFrom);
        if (!source || !readable(source, uid)) return notFound();
        copied = { visibility: source.visibility, settings: structuredClone(source.settings) };
      }
      const at = new Date().toISOString();
      const created = community(slug, name, (body.visibility as Visibility) ?? copied.visibility ?? 'public', at, { [uid]: ['owner', 'active'] }, {
        parentId,
        description: typeof body.description === 'string' ? body.description : (copied.settings?.descriptionTemplate ?? ''),
        settings: copied.settings ?? {},
      });
      communities.push(created);
      return json(201, view(created, uid));
    }

    const c = ref ? byRef(ref) : undefined;
    if (!c || !readable(c, uid)) return notFound();
    const own = c.members[uid];
    if (method === 'GET' && !action) return json(200, view(c, uid));
    if (method === 'POST' && action === 'join') {
      if (roleIn(c, uid)) return fail(409, 'ALREADY_MEMBER', 'You are already a member.');
      if (own?.state === 'requested') return fail(409, 'ALREADY_REQUESTED', 'Your request to join is waiting for approval.');
      if (!own && c.visibility === 'restricted') return fail(403, 'INVITATION_REQUIRED', 'This community is by invitation only.');
      const state = own?.state === 'invited' || c.visibility === 'public' ? 'active' : 'requested';
      touch(c, uid, { role: own?.role ?? 'member', state });
      const v = view(c, uid);
      return json(state === 'active' ? 200 : 202, { community: v, membership: v.membership });
    }
    if (method === 'POST' && action === 'leave') {
      if (!own) return fail(409, 'NOT_A_MEMBER', 'You are not a member.');
      const owners = Object.values(c.members).filter((m) => m.role === 'owner' && m.state === 'active').length;
      if (own.role === 'owner' && own.state === 'active' && owners <= 1) return fail(409, 'LAST_OWNER', 'Make another member an owner before you leave.');
      for (const sub of communities) if (sub === c || chain(sub).includes(c)) delete sub.members[uid];
      return json(200, { community: view(c, uid), membership: null });
    }
    if (method === 'GET' && action === 'members') {
      const state = url.searchParams.get('state') ?? 'active';
      if (state !== 'active' && !manager(c, uid)) return fail(403, 'MODERATOR_REQUIRED', 'Only an owner or moderator may do that.');
      const items = Object.entries(c.members)
        .filter(([, m]) => m.state === state)
        .map(([id, m]) => memberView(id, m))
        .sort((a, b) => a.name.localeCompare(b.name));
      return json(200, { items });
    }
    if (method === 'POST' && action === 'members' && memberId && (memberAction === 'approve' || memberAction === 'deny')) {
      if (!manager(c, uid)) return fail(403, 'MODERATOR_REQUIRED', 'Only an owner or moderator may do that.');
      const request = c.members[memberId];
      if (request?.state !== 'requested') return fail(404, 'REQUEST_NOT_FOUND', 'That user has not asked to join.');
      if (memberAction === 'deny') {
        delete c.members[memberId];
        return json(200, { ok: true });
      }
      return json(200, memberView(memberId, touch(c, memberId, { role: request.role, state: 'active' })));
    }
    return fail(404, 'NOT_FOUND', `No fixture for ${method} ${url.pathname}`);
  };


  /* Forums, topics, replies and flags: the forum API's rules (readers read, members write, moderators moderate), offset cursors. */
  const forumRoutes = (options: FixtureOptions) => {
    const forums = structuredClone(options.forums ?? fixtureForums());
    const longCount = options.longThread ?? 10_000;
    const topics = structuredClone(options.topics ?? fixtureTopics()).filter((t) => longCount > 0 || t.id !== LONG_TOPIC_ID);
    /** Each topic's replies in thread order (a top-level reply, then the ones nested under it). */
    const threads = new Map<string, Reply[]>();
    for (const r of structuredClone(options.replies ?? fixtureReplies())) {
      const list = threads.get(r.topicId) ?? [];
      list.push(r);
      threads.set(r.topicId, list);
    }
    for (const [id, list] of threads) {
      const tops = list.filter((r) => !r.parentId).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
      const under = (top: Reply) => list.filter((r) => r.parentId === top.id).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
      threads.set(id, tops.flatMap((top) => [top, ...under(top)]));
    }
    const thread = (topicId: string): Reply[] => {
      let list = threads.get(topicId);
      if (!list) {
        list = topicId === LONG_TOPIC_ID && topics.some((t) => t.id === LONG_TOPIC_ID) ? manyFixtureReplies(LONG_TOPIC_ID, longCount) : [];
        threads.set(topicId, list);
      }
      return list;
    };
    const likes = new Map<string, Set<string>>();
    const flags: {
      id: string;
      reason: string;
      note: string | null;
      reporterId: string;
      createdAt: string;
      topicId: string;
      replyId: string | null;
    }[] = [];
    let seq = 0;

    const forumOf = (t: FixtureTopic) => forums.find((f) => f.id === t.forumId)!;
    const communityOf = (t: FixtureTopic) => byRef(forumOf(t).community)!;
    const replyCount = (t: FixtureTopic) => thread(t.id).filter((r) => !r.deleted).length;
    const othersReplied = (t: FixtureTopic) => thread(t.id).some((r) => !r.deleted && r.author?.id !== t.authorId);
    const forumView = (f: FixtureForum): Forum => {
      const own = topics.filter((t) => t.forumId === f.id);
      return {
        id: f.id,
        communityId: byRef(f.community)!.id,
        name: f.name,
        description: f.description,
        topicCount: own.length,
        lastActivityAt: own.map((t) => t.lastActivityAt).sort().pop() ?? null,
      };
    };
    const summary = (t: FixtureTopic): Omit<TopicSummary, 'excerpt'> => {
      const f = forumOf(t);
      const c = byRef(f.community)!;
      return {
        id: t.id,
        forumId: f.id,
        forumName: f.name,
        communityId: c.id,
        communitySlug: c.slug,
        title: t.title,
        tags: t.tags,
        question: t.question,
        answered: t.question && t.answerReplyId !== null,
        pinned: t.pinned,
        locked: t.locked,
        replyCount: replyCount(t),
        author: person(t.authorId),
        createdAt: t.createdAt,
        lastActivityAt: t.lastActivityAt,
      };
    };
    const excerpt = (body: string) => body.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[*_`#>|]/g, '').replace(/\s+/g, ' ').trim().slice(0, 200);
    const summaryView = (t: FixtureTopic): TopicSummary => ({ ...summary(t), excerpt: excerpt(t.body) });
    const topicView = (t: FixtureTopic, uid: string): Topic => {
      const c = communityOf(t);
      const moderator = manager(c, uid);
      const member = roleIn(c, uid) !== null;
      return {
        ...summary(t),
        body: t.body,
        editedAt: t.editedAt,
        answerReplyId: t.answerReplyId,
        following: t.followers.includes(uid),
        canReply: member && (!t.locked || moderator),
        canModerate: moderator,
        canEdit: t.authorId === uid || moderator,
        canDelete: moderator || (t.authorId === uid && !othersReplied(t)),
        canAnswer: t.question && (t.authorId === uid || moderator),
      };
    };
    const replyView = (r: Reply, t: FixtureTopic, uid: string): Reply => {
      const c = communityOf(t);
      return {
        ...r,
        liked: likes.get(r.id)?.has(uid) ?? false,
        isAnswer: t.answerReplyId === r.id,
        canEdit: !r.deleted && r.author?.id === uid && !t.locked,
        canDelete: !r.deleted && (r.author?.id === uid || manager(c, uid)),
      };
    };
    const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
    const invalid = (fields: Record<string, string>) =>
      fail(400, 'VALIDATION_FAILED', `Invalid request body: ${Object.entries(fields).map(([k, v]) => `${k} (${v})`).join(', ')}`, fields);
    const needMember = () => fail(403, 'MEMBERSHIP_REQUIRED', 'Join this community to do that.');
    const needModerator = () => fail(403, 'MODERATOR_REQUIRED', 'Only an owner or moderator may do that.');
    const noTopic = () => fail(404, 'NOT_FOUND', 'No such topic.');
    const checkTags = (tags: unknown, fields: Record<string, string>) => {
      if (tags === undefined) return [];
      if (!Array.isArray(tags) || tags.length > 5) {
        fields.tags = 'At most 5 tags';
        return [];
      }
      const clean = tags.map((x) => (typeof x === 'string' ? x.trim().toLowerCase() : ''));
      if (clean.some((x) => !/^[a-z0-9][a-z0-9-]{0,29}$/.test(x))) fields.tags = 'Tags are 1–30 lower-case letters, digits and dashes';
      return clean;
    };
    const checkFlag = (body: Record<string, unknown>) => {
      if (typeof body.reason !== 'string' || !(FLAG_REASON_LIST as readonly string[]).includes(body.reason)) return invalid({ reason: 'Required' });
      if (body.reason === 'other' && !text(body.note)) return invalid({ note: 'Say what is wrong' });
      return null;
    };
    const addFlag = (uid: string, body: Record<string, unknown>, topicId: string, replyId: string | null) => {
      flags.unshift({ id: `flg_fixture_${++seq}`, reason: body.reason as string, note: text(body.note) || null, reporterId: uid, createdAt: new Date().toISOString(), topicId, replyId });
      return json(200, { ok: true });
    };
    const touch = (t: FixtureTopic) => (t.lastActivityAt = new Date().toISOString());

    /** `/communities/{ref}/forums|topics|forum-flags` (the community is readable). */
    const community = (me: Me, method: string, url: URL, c: FixtureCommunity, action: string, body: Record<string, unknown>): Response | Promise<Response> => {
      const uid = me.id;
      if (!contentReadable(c, uid)) return fail(403, 'MEMBERSHIP_REQUIRED', 'Join this community to see inside it.');
      if (method === 'GET' && (action === 'forums' || action === 'topics')) {
        if (options.forumsPending) return neverAnswered();
        if (options.forumsFail) return fail(500, 'INTERNAL', 'Something went wrong on the server.');
      }
      const own = forums.filter((f) => f.community === c.slug);
      if (action === 'forums' && method === 'GET') return json(200, { items: own.map(forumView) });
      if (action === 'forums' && method === 'POST') {
        if (!manager(c, uid)) return needModerator();
        const name = text(body.name);
        if (!name) return invalid({ name: 'Required' });
        const forum: FixtureForum = { id: `frm_fixture_${++seq}`, community: c.slug, name, description: text(body.description) };
        forums.push(forum);
        return json(201, forumView(forum));
      }
      if (action === 'topics' && method === 'GET') {
        const forum = url.searchParams.get('forum');
        const filter = url.searchParams.get('filter') ?? 'all';
        const tag = url.searchParams.get('tag');
        const limit = Math.min(100, Number(url.searchParams.get('limit') ?? 20));
        const offset = Number(url.searchParams.get('cursor') ?? 0);
        const all = topics
          .filter((t) => own.some((f) => f.id === t.forumId) && (!forum || t.forumId === forum) && (!tag || t.tags.includes(tag)))
          .filter((t) =>
            filter === 'questions' ? t.question : filter === 'answered' ? t.question && t.answerReplyId !== null : filter === 'unanswered' ? t.question && t.answerReplyId === null : true,
          )
          .sort((a, b) => Number(b.pinned) - Number(a.pinned) || b.lastActivityAt.localeCompare(a.lastActivityAt) || b.id.localeCompare(a.id));
        return json(200, { items: all.slice(offset, offset + limit).map(summaryView), nextCursor: all.length > offset + limit ? String(offset + limit) : null });
      }
      if (action === 'topics' && method === 'POST') {
        if (!roleIn(c, uid)) return needMember();
        const fields: Record<string, string> = {};
        const title = text(body.title);
        const content = text(body.body);
        const forum = own.find((f) => f.id === body.forumId);
        if (!forum) fields.forumId = body.forumId === undefined ? 'Required' : 'No such forum in this community';
        if (!title) fields.title = body.title === undefined ? 'Required' : 'Give the topic a title';
        else if (title.length > 200) fields.title = 'At most 200 characters';
        if (!content) fields.body = body.body === undefined ? 'Required' : 'Write something';
        else if (content.length > 20_000) fields.body = 'At most 20000 characters';
        const tags = checkTags(body.tags, fields);
        if (Object.keys(fields).length) return invalid(fields);
        const clientId = typeof body.clientId === 'string' ? body.clientId : undefined;
        const again = clientId ? topics.find((t) => t.authorId === uid && t.clientId === clientId) : undefined;
        if (again) return json(200, topicView(again, uid));
        const created = fixtureTopic(`top_fixture_${Date.now().toString(36)}_${++seq}`, forum!.id, uid, 0, 0, title, content, {
          tags: [...new Set(tags)],
          question: body.question === true,
          clientId,
        });
        topics.push(created);
        return json(201, topicView(created, uid));
      }
      if (action === 'forum-flags' && method === 'GET') {
        if (!manager(c, uid)) return needModerator();
        const items = flags
          .filter((f) => { const t = topics.find((x) => x.id === f.topicId); return t && communityOf(t) === c; })
          .map((f) => {
            const t = topics.find((x) => x.id === f.topicId)!;
            const r = f.replyId ? thread(t.id).find((x) => x.id === f.replyId) : undefined;
            return {
              id: f.id,
              reason: f.reason,
              note: f.note,
              reporter: { id: f.reporterId, name: person(f.reporterId).name },
              createdAt: f.createdAt,
              target: {
                kind: f.replyId ? 'reply' : 'topic',
                topicId: t.id,
                replyId: f.replyId,
                topicTitle: t.title,
                excerpt: excerpt(r ? r.body : t.body),
                author: r?.author ?? person(t.authorId),
              },
            };
          });
        return json(200, { items });
      }
      return fail(404, 'NOT_FOUND', `No fixture for ${method} ${url.pathname}`);
    };

    /** `/topics/{id}…`, `/replies/{id}…`, `/forum-flags/{id}/resolve`. */
    const other = (me: Me, method: string, url: URL, body: Record<string, unknown>): Response => {
      const uid = me.id;
      const [, kind, id, action] = url.pathname.replace(/^\/api\/v1/, '').split('/').map(decodeURIComponent);
      if (kind === 'forum-flags' && action === 'resolve' && method === 'POST') {
        const f = flags.find((x) => x.id === id);
        const t = f && topics.find((x) => x.id === f.topicId);
        if (!f || !t || !contentReadable(communityOf(t), uid)) return fail(404, 'NOT_FOUND', 'No such flag.');
        if (!manager(communityOf(t), uid)) return needModerator();
        if (body.action !== 'dismiss' && body.action !== 'remove') return invalid({ action: 'Required' });
        if (body.action === 'remove') {
          if (f.replyId) Object.assign(thread(t.id).find((r) => r.id === f.replyId) ?? {}, { deleted: true, body: '', author: null });
          else topics.splice(topics.indexOf(t), 1);
        }
        flags.splice(flags.indexOf(f), 1);
        return json(200, { ok: true });
      }
      let t: FixtureTopic | undefined;
      let r: Reply | undefined;
      if (kind === 'topics') t = topics.find((x) => x.id === id);
      else if (kind === 'replies') {
        for (const x of topics) {
          r = thread(x.id).find((y) => y.id === id);
          if (r) {
            t = x;
            break;
          }
        }
      }
      if (!t || !contentReadable(communityOf(t), uid)) return kind === 'replies' ? fail(404, 'NOT_FOUND', 'No such reply.') : noTopic();
      const c = communityOf(t);
      const member = roleIn(c, uid) !== null;
      const moderator = manager(c, uid);
      if (options.forumsFail) return fail(500, 'INTERNAL', 'Something went wrong on the server.');

      if (r) {
        if (!action && method === 'GET') return json(200, replyView(r, t, uid));
        if (!action && method === 'PATCH') {
          if (!member) return needMember();
          if (r.deleted || r.author?.id !== uid) return fail(403, 'AUTHOR_REQUIRED', 'Only its author may edit a reply.');
          if (t.locked) return fail(403, 'TOPIC_LOCKED', 'This topic is locked.');
          const content = text(body.body);
          if (!content) return invalid({ body: 'Write something' });
          Object.assign(r, { body: content, editedAt: new Date().toISOString() });
          return json(200, replyView(r, t, uid));
        }
        if (!action && method === 'DELETE') {
          if (r.author?.id !== uid && !moderator) return needModerator();
          Object.assign(r, { deleted: true, body: '', author: null });
          if (t.answerReplyId === r.id) t.answerReplyId = null;
          return json(200, { ok: true });
        }
        if (action === 'like' && (method === 'PUT' || method === 'DELETE')) {
          if (!member) return needMember();
          const set = likes.get(r.id) ?? new Set<string>();
          likes.set(r.id, set);
          const had = set.has(uid);
          if (method === 'PUT' && !had) (set.add(uid), r.likeCount++);
          if (method === 'DELETE' && had) (set.delete(uid), r.likeCount--);
          return json(200, { likeCount: r.likeCount, liked: set.has(uid) });
        }
        if (action === 'flag' && method === 'POST') return checkFlag(body) ?? addFlag(uid, body, t.id, r.id);
        return fail(404, 'NOT_FOUND', `No fixture for ${method} ${url.pathname}`);
      }

      if (!action && method === 'GET') return json(200, topicView(t, uid));
      if (!action && method === 'PATCH') {
        if (t.authorId !== uid && !moderator) return fail(403, 'AUTHOR_REQUIRED', 'Only its author or a moderator may edit a topic.');
        const fields: Record<string, string> = {};
        if (body.title !== undefined && (!text(body.title) || text(body.title).length > 200)) fields.title = 'Enter a title (at most 200 characters)';
        if (body.body !== undefined && !text(body.body)) fields.body = 'Write something';
        const tags = body.tags === undefined ? undefined : checkTags(body.tags, fields);
        if (Object.keys(fields).length) return invalid(fields);
        if (body.title !== undefined) t.title = text(body.title);
        if (body.body !== undefined) t.body = text(body.body);
        if (tags) t.tags = [...new Set(tags)];
        t.editedAt = new Date().toISOString();
        return json(200, topicView(t, uid));
      }
      if (!action && method === 'DELETE') {
        if (!moderator && !(t.authorId === uid && !othersReplied(t))) return needModerator();
        topics.splice(topics.indexOf(t), 1);
        return json(200, { ok: true });
      }
      if ((action === 'pin' || action === 'lock') && (method === 'PUT' || method === 'DELETE')) {
        if (!moderator) return needModerator();
        if (action === 'pin') t.pinned = method === 'PUT';
        else t.locked = method === 'PUT';
        return json(200, topicView(t, uid));
      }
      if (action === 'move' && method === 'POST') {
        if (!moderator) return needModerator();
        const to = forums.find((f) => f.id === body.forumId && f.community === c.slug);
        if (!to) return invalid({ forumId: 'No such forum in this community' });
        t.forumId = to.id;
        return json(200, topicView(t, uid));
      }
      if (action === 'follow' && (method === 'PUT' || method === 'DELETE')) {
        t.followers = t.followers.filter((x) => x !== uid);
        if (method === 'PUT') t.followers.push(uid);
        return json(200, topicView(t, uid));
      }
      if (action === 'answer' && (method === 'PUT' || method === 'DELETE')) {
        if (t.authorId !== uid && !moderator) return fail(403, 'AUTHOR_REQUIRED', 'Only the asker or a moderator may mark the answer.');
        if (!t.question) return fail(409, 'NOT_A_QUESTION', 'This topic is not a question.');
        if (method === 'PUT') {
          const answer = thread(t.id).find((x) => x.id === body.replyId && !x.deleted);
          if (!answer) return invalid({ replyId: 'No such reply in this topic' });
          t.answerReplyId = answer.id;
        } else t.answerReplyId = null;
        return json(200, topicView(t, uid));
      }
      if (action === 'flag' && method === 'POST') return checkFlag(body) ?? addFlag(uid, body, t.id, null);
      if (action === 'replies' && method === 'GET') {
        const list = thread(t.id);
        const limit = Math.max(1, Math.min(100, Number(url.searchParams.get('limit') ?? 50)));
        const cursor = url.searchParams.get('cursor');
        const before = url.searchParams.get('before');
        const anchor = url.searchParams.get('anchor');
        let start = 0;
        let end: number;
        if (anchor) {
          const target = list.find((x) => x.id === anchor);
          if (!target) return fail(404, 'NOT_FOUND', 'No such reply in this topic.');
          start = list.findIndex((x) => x.id === (target.parentId ?? target.id));
          end = Math.min(list.length, start + limit);
        } else if (before) {
          end = Math.min(list.length, Number(before));
          start = Math.max(0, end - limit);
        } else {
          start = cursor ? Number(cursor) : 0;
          end = Math.min(list.length, start + limit);
        }
        return json(200, {
          items: list.slice(start, end).map((x) => replyView(x, t, uid)),
          nextCursor: end < list.length ? String(end) : null,
          prevCursor: start > 0 ? String(start) : null,
          total: list.length,
        });
      }
      if (action === 'replies' && method === 'POST') {
        if (!member) return needMember();
        if (t.locked && !moderator) return fail(403, 'TOPIC_LOCKED', 'This topic is locked.');
        const content = text(body.body);
        if (!content) return invalid({ body: body.body === undefined ? 'Required' : 'Write something' });
        if (content.length > 20_000) return invalid({ body: 'At most 20000 characters' });
        const list = thread(t.id);
        const clientId = typeof body.clientId === 'string' ? body.clientId : null;
        const again = clientId ? list.find((x) => x.author?.id === uid && x.clientId === clientId) : undefined;
        if (again) return json(200, replyView(again, t, uid));
        const parent = typeof body.parentId === 'string' ? list.find((x) => x.id === body.parentId) : undefined;
        if (body.parentId !== undefined && !parent) return invalid({ parentId: 'No such reply in this topic' });
        const quoted = typeof body.quoteId === 'string' ? list.find((x) => x.id === body.quoteId) : parent?.parentId ? parent : undefined;
        if (body.quoteId !== undefined && !quoted) return invalid({ quoteId: 'No such reply in this topic' });
        const top = parent ? (parent.parentId ? list.find((x) => x.id === parent.parentId)! : parent) : undefined;
        const created = fixtureReply(`rpl_fixture_${Date.now().toString(36)}_${++seq}`, t.id, uid, 0, content, {
          parentId: top?.id ?? null,
          quote: quoted && !quoted.deleted && quoted.author ? { id: quoted.id, authorName: quoted.author.name, excerpt: excerpt(quoted.body).slice(0, 140) } : null,
          clientId,
        });
        if (top) {
          let at = list.indexOf(top) + 1;
          while (at < list.length && list[at]!.parentId === top.id) at++;
          list.splice(at, 0, created);
        } else list.push(created);
        touch(t);
        return json(201, replyView(created, t, uid));
      }
      return fail(404, 'NOT_FOUND', `No fixture for ${method} ${url.pathname}`);
    };
    return { community, other };
  };

  /** Every community route: posts, files, forums and topics included. */
  return (options: FixtureOptions, posts: FixturePost[]) => {
    const postRoutes = postsRoutes(options, posts);
    const forumRoutesFor = forumRoutes(options);
    return {
      communities: async (me: Me, method: string, url: URL, body: Record<string, unknown>, form: FormData | null): Promise<Response> => {
        const [ref, action, more] = url.pathname.replace(/^\/api\/v1\/communities\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
        if (ref && (action === 'posts' || action === 'files') && !more) {
          const c = byRef(ref);
          if (!c || !readable(c, me.id)) return notFound();
          return postRoutes.community(me, method, url, c, action, body, form);
        }
        if (ref && (action === 'forums' || action === 'topics' || action === 'forum-flags') && !more) {
          const c = byRef(ref);
          if (!c || !readable(c, me.id)) return notFound();
          return forumRoutesFor.community(me, method, url, c, action, body);
        }
        return handle(me, method, url, body);
      },
      posts: postRoutes.other,
      forum: forumRoutesFor.other,
    };
  };
}

/** A `fetch` that answers like the server, from memory. Give it to `<jc-provider .fetcher>`. */
export function fixtureFetch(options: FixtureOptions = {}): typeof fetch {
  type Stage = 'out' | 'code' | 'enrol' | 'notice' | 'in';
  let stage: Stage = options.me ? (options.stage ?? 'in') : 'out';
  /** Who is signing in (or signed in). */
  let account: Me | null = options.me ?? null;
  /** Who is signed in, all steps done: what the rest of the API answers to. */
  let me: Me | null = stage === 'in' ? account : null;
  let enrolling = false;
  const communities = structuredClone(options.communities ?? fixtureCommunities());
  const server = communityServer(communities)(options, structuredClone(options.posts ?? fixturePosts()));
  const portal = serviceFixtureServer(options);
  const activities = activityFixtureServer(communities, options, (id) => ({ name: fixturePeople[id]?.name ?? id, agency: fixturePeople[id]?.agency ?? null }));
  // Counted while unanswered (fixture-requests.ts): a story has settled when none is.
  return (input, init) => trackFixtureRequest(answer(input, init));
  async function answer(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    if (options.pending) return neverAnswered();
    if (options.delay) await new Promise((r) => setTimeout(r, options.delay));
    if (options.offline) throw new TypeError('Failed to fetch');
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const method = (init?.method ?? 'GET').toUpperCase();
    const form = init?.body instanceof FormData ? init.body : null;
    const body = init?.body && !form ? JSON.parse(String(init.body)) : {};
    // The portal's service directory and announcements (service-fixtures.ts).
    const portalAnswer = portal(me, method, url, body);
    if (portalAnswer) return portalAnswer;
    const posts = url.pathname === '/api/v1/feed' || url.pathname.startsWith('/api/v1/posts/') || url.pathname.startsWith('/api/v1/files/');
    const forum = /^\/api\/v1\/(topics|replies|forum-flags)\//.test(url.pathname);
    const activity = isActivityPath(url.pathname);
    if (url.pathname === '/api/v1/communities' || url.pathname.startsWith('/api/v1/communities/') || posts || forum || activity) {
      if (!me) return unauthenticated();
      if (options.communitiesFail) return fail(500, 'INTERNAL', 'Something went wrong on the server.');
      if (me.status === 'pending') return fail(403, 'ACCOUNT_PENDING', 'Your account is waiting for your agency administrator’s approval.');
      if (!me.optedIn) return fail(403, 'OPT_IN_REQUIRED', 'Opt in to JusticeConnect to use communities.');
      if (activity) return activities(me, method, url, body);
      if (forum) return server.forum(me, method, url, body);
      return posts ? server.posts(me, method, url, body) : server.communities(me, method, url, body, form);
    }
    switch (`${method} ${url.pathname}`) {
      case 'GET /api/v1/me':
        if (stage === 'enrol') return fail(403, 'TWO_FACTOR_REQUIRED', 'Set up an authenticator app: every JusticeConnect sign-in needs a one-time code.');
        if (stage === 'notice') return fail(403, 'NOTICE_REQUIRED', 'Read and accept the system-use notice to continue.');
        return me ? json(200, me) : unauthenticated();
      case 'GET /api/v1/notice':
        return json(200, fixtureNotice);
      case 'POST /api/v1/notice/accept':
        if (stage !== 'notice' || !account) return unauthenticated();
        if (body.version !== fixtureNotice.version) return fail(409, 'NOTICE_CHANGED', 'The notice has changed: read the current one.');
        stage = 'in';
        me = account;
        return json(200, { ok: true, version: body.version });
      case 'GET /api/v1/session': {
        if (!me) return unauthenticated();
        const idle = options.idleTimeoutSeconds ?? 1800;
        const now = Date.now();
        return json(200, { idleTimeoutSeconds: idle, idleExpiresAt: new Date(now + idle * 1000).toISOString(), expiresAt: new Date(now + 12 * 3600_000).toISOString() });
      }
      case 'GET /api/auth/get-session':
        return json(200, account && stage !== 'out' && stage !== 'code' ? { user: { id: account.id, name: account.name, email: account.email, twoFactorEnabled: stage !== 'enrol' }, session: { id: 'ses_fixture', expiresAt: new Date(Date.now() + 12 * 3600_000).toISOString() } } : null);
      case 'POST /api/auth/two-factor/enable':
        if (stage !== 'enrol') return unauthenticated();
        if (body.password !== 'corridor-demo-2026') return fail(400, 'INVALID_PASSWORD', 'Invalid password');
        enrolling = true;
        return json(200, { totpURI: `otpauth://totp/JusticeConnect:${encodeURIComponent(account!.email)}?secret=${FIXTURE_SECRET}&issuer=JusticeConnect&digits=6&period=30`, backupCodes: FIXTURE_BACKUP_CODES });
      case 'POST /api/auth/two-factor/verify-totp':
        if (!(stage === 'code' || (stage === 'enrol' && enrolling))) return fail(401, 'INVALID_TWO_FACTOR_COOKIE', 'Invalid two factor cookie');
        if (!/^\d{6}$/.test(String(body.code ?? ''))) return fail(400, 'VALIDATION_ERROR', 'Invalid input', { code: 'Enter the 6-digit code from your authenticator app' });
        if (body.code === FIXTURE_USED_CODE) return fail(401, 'CODE_ALREADY_USED', 'That code was already used. Wait for the next one.', { code: 'Already used' });
        if (body.code !== FIXTURE_CODE) return fail(401, 'INVALID_CODE', 'Invalid code');
        stage = 'notice';
        return json(200, { token: null, user: { id: account!.id } });
      case 'POST /api/auth/two-factor/verify-backup-code':
        if (stage !== 'code') return fail(401, 'INVALID_TWO_FACTOR_COOKIE', 'Invalid two factor cookie');
        if (body.code !== FIXTURE_BACKUP_CODES[0]) return fail(401, 'INVALID_BACKUP_CODE', 'Invalid backup code');
        stage = 'notice';
        return json(200, { token: null, user: { id: account!.id } });
      case 'PATCH /api/v1/me':
        if (!me) return unauthenticated();
        me = { ...me, ...body, optedInAt: body.optedIn ? new Date().toISOString() : me.optedInAt };
        account = me;
        return json(200, me);
      case 'POST /api/auth/sign-in/email': {
        const user = Object.values(fixtureUsers).find((u) => u.email === body.email);
        if (options.signIn === 'locked') return fail(403, 'ACCOUNT_LOCKED', 'This account is locked after too many failed sign-ins. Ask your agency administrator to unlock it.');
        if (!user || body.password !== 'corridor-demo-2026')
          return fail(401, 'INVALID_EMAIL_OR_PASSWORD', 'Invalid email or password');
        account = user;
        me = null;
        enrolling = false;
        if (options.signIn === 'enrol') {
          stage = 'enrol';
          return json(200, { redirect: false, user: { id: user.id, name: user.name, email: user.email } });
        }
        stage = 'code';
        return json(200, { twoFactorRedirect: true, twoFactorMethods: ['totp'] });
      }
      case 'POST /api/auth/sign-out':
        me = null;
        stage = 'out';
        return json(200, { success: true });
      default:
        return fail(404, 'NOT_FOUND', `No fixture for ${method} ${url.pathname}`);
    }
  }
}
