import { createHash, randomUUID } from 'node:crypto';
import { base32 } from '@better-auth/utils/base32';
import { enrolWithSecret } from './totp.ts';
import { setMembership } from './communities/queries.ts';
import { createForumsFromSettings } from './forums/queries.ts';
import { copyTemplate, createTemplatesFromSettings } from './activities/queries.ts';
import { updateProfile } from './data/profiles.ts';
import type { Kysely } from 'kysely';
import { clockOf } from './db/database.ts';
import type { Database, Role, UserStatus, Visibility } from './db/schema.ts';
import type { Services } from './http/context.ts';

/** Demo agencies along the I-35 corridor: made-up, with well-formed 9-character ORIs. */
export const DEMO_AGENCIES = [
  { name: 'Texas Department of Public Safety (demo)', ori: 'TXDPS0000' },
  { name: 'Hays County Sheriff’s Office (demo)', ori: 'TX1050000' },
  { name: 'Laredo Police Department (demo)', ori: 'TX2400200' },
  { name: 'Oklahoma Highway Patrol (demo)', ori: 'OKOHP0000' },
] as const;

export const DEMO_PASSWORD = 'corridor-demo-2026';

/**
 * Each demo account's authenticator secret (Base32): derived from its email,
 * public on purpose like the password, so `npm run demo:code -- <email>`
 * prints the current one-time code (or add the secret to an authenticator app).
 */
export function demoTotpSecret(email: string): string {
  return base32.encode(createHash('sha1').update(`justiceconnect-demo:${email.toLowerCase()}`).digest(), { padding: false });
}

interface DemoUser {
  name: string;
  email: string;
  password: string;
  ori: string;
  title: string;
  optedIn: boolean;
  status: UserStatus;
  siteAdmin?: boolean;
  agencyAdmin?: boolean;
  note: string;
}

/**
 * Demo accounts. Their passwords are public on purpose: they exist only in a
 * demo database and are printed at start so a newcomer can sign in at once.
 */
export const DEMO_USERS: readonly DemoUser[] = [
  { name: 'Sgt. Dana Reyes', email: 'dana.reyes@txdps.demo.test', password: DEMO_PASSWORD, ori: 'TXDPS0000', title: 'Sergeant, Highway Patrol', optedIn: true, status: 'active', agencyAdmin: true, note: 'task force owner; TX DPS agency administrator' },
  { name: 'Det. Marcus Hill', email: 'marcus.hill@hayscounty.demo.test', password: DEMO_PASSWORD, ori: 'TX1050000', title: 'Narcotics Detective', optedIn: true, status: 'active', agencyAdmin: true, note: 'task force moderator; Hays County agency administrator' },
  { name: 'Tpr. Ray Whitehorse', email: 'ray.whitehorse@ohp.demo.test', password: DEMO_PASSWORD, ori: 'OKOHP0000', title: 'Trooper', optedIn: true, status: 'active', note: 'task force member' },
  { name: 'Ofc. Lena Ortiz', email: 'lena.ortiz@laredo.demo.test', password: DEMO_PASSWORD, ori: 'TX2400200', title: 'Patrol Officer', optedIn: false, status: 'active', note: 'not yet opted in' },
  { name: 'Dep. Pat Nguyen', email: 'pat.nguyen@hayscounty.demo.test', password: DEMO_PASSWORD, ori: 'TX1050000', title: 'Deputy', optedIn: true, status: 'pending', note: 'waiting for Hays County approval' },
  { name: 'Alex Morgan', email: 'admin@justiceconnect.demo.test', password: DEMO_PASSWORD, ori: 'TXDPS0000', title: 'JusticeConnect site administrator', optedIn: true, status: 'active', siteAdmin: true, note: 'site administrator' },
];

interface DemoCommunity {
  slug: string;
  name: string;
  parent?: string;
  visibility: Visibility;
  description: string;
  tags: string[];
  members: [email: string, role: Role][];
  settings?: object;
}

const taskForceSettings = {
  descriptionTemplate: 'A multi-agency task force. Purpose, area of operations and points of contact:',
  forums: [
    { name: 'Intelligence sharing', description: 'Trends, seizures and persons of interest along the corridor' },
    { name: 'Operations', description: 'Patrol schedules and joint operations' },
  ],
  activityTemplates: [
    {
      title: 'Peak trafficking times on the I-35 corridor',
      steps: ['Develop a patrol schedule', 'Communicate the schedule to members', 'Plan a time to assess the result'],
    },
  ],
};

/** Oldest first: the last one is the most recently updated. */
export const DEMO_COMMUNITIES: readonly DemoCommunity[] = [
  {
    slug: 'gang-intelligence-exchange',
    name: 'Gang Intelligence Exchange',
    visibility: 'moderated',
    description: 'Analysts and investigators sharing gang intelligence across Texas and Oklahoma. Ask to join.',
    tags: ['gangs', 'intelligence'],
    members: [['marcus.hill@hayscounty.demo.test', 'owner']],
  },
  {
    slug: 'highway-interdiction',
    name: 'Texas Highway Interdiction',
    visibility: 'public',
    description: 'Open to every opted-in officer: interdiction training, case law and techniques.',
    tags: ['interdiction', 'training'],
    members: [
      ['dana.reyes@txdps.demo.test', 'owner'],
      ['ray.whitehorse@ohp.demo.test', 'member'],
    ],
  },
  {
    slug: 'i-35-corridor-task-force',
    name: 'I-35 Corridor Drug Trafficking Task Force',
    visibility: 'restricted',
    description: 'Agencies along I-35 from Laredo to Oklahoma City coordinating on drug trafficking. Invitation only.',
    tags: ['task force', 'narcotics', 'I-35'],
    members: [
      ['dana.reyes@txdps.demo.test', 'owner'],
      ['marcus.hill@hayscounty.demo.test', 'moderator'],
      ['ray.whitehorse@ohp.demo.test', 'member'],
    ],
    settings: taskForceSettings,
  },
  {
    slug: 'i-35-laredo-working-group',
    name: 'Laredo Port of Entry Working Group',
    parent: 'i-35-corridor-task-force',
    visibility: 'restricted',
    description: 'The task force’s southern working group: northbound traffic from the Laredo ports of entry.',
    tags: ['Laredo', 'ports of entry'],
    members: [
      ['dana.reyes@txdps.demo.test', 'owner'],
      ['ray.whitehorse@ohp.demo.test', 'member'],
    ],
  },
];

/** Demo posts, oldest first: [community slug, author email, minutes ago, type, body]. */
export const DEMO_POSTS: readonly [string, string, number, 'status' | 'blog', string][] = [
  ['i-35-corridor-task-force', 'dana.reyes@txdps.demo.test', 50, 'status', 'Welcome to the task force. Use this feed for anything the whole corridor should see; the **Operations** forum is for schedules.'],
  ['i-35-corridor-task-force', 'marcus.hill@hayscounty.demo.test', 42, 'status', 'Hays County saw three northbound seizures near San Marcos last week, all between 0200 and 0400. Anyone else seeing that window?'],
  ['i-35-corridor-task-force', 'ray.whitehorse@ohp.demo.test', 35, 'status', 'Same pattern north of the Red River: late-night, rental cars, two occupants. Writing it up for the peak-times activity.'],
  ['i-35-corridor-task-force', 'dana.reyes@txdps.demo.test', 20, 'blog', 'Peak trafficking times: first look\n\nCombining Hays, DPS and OHP stops since June, most interdictions fall on **Thursday–Sunday, 0100–0500**. Next step: a shared patrol schedule.'],
  ['i-35-corridor-task-force', 'marcus.hill@hayscounty.demo.test', 8, 'status', 'Reminder: no personal identifiers in this feed. Case specifics go through your agency’s channels.'],
  ['highway-interdiction', 'dana.reyes@txdps.demo.test', 30, 'status', 'New case-law summary on consent searches during traffic stops is up in the files section.'],
  ['highway-interdiction', 'ray.whitehorse@ohp.demo.test', 12, 'status', 'Thanks Dana — our academy class is using it this week.'],
];

const [DANA, MARCUS, RAY] = ['dana.reyes@txdps.demo.test', 'marcus.hill@hayscounty.demo.test', 'ray.whitehorse@ohp.demo.test'];
const SCHEDULE_LINES = [
  'Hays County can cover **MM 200–215** Friday and Saturday nights, two units.',
  'OHP has the Red River bridge covered 2200–0600 all weekend.',
  'DPS will run the Laredo to San Antonio stretch with the K-9 unit on Thursday.',
  'Can someone confirm the radio channel for the joint operation?',
  'Use the interop channel from last year; I will send the details through agency channels.',
  'We should keep one unit floating between New Braunfels and San Marcos.',
  'Agreed: the 0200–0400 window is where Hays saw all three seizures.',
  'Rental cars with two occupants northbound have been the pattern up north too.',
  'Reminder: no plate numbers or names in this thread.',
  'Our shift change is at 0600, so the overnight units can stay until 0630.',
  'Weather says rain Saturday night; visibility will be poor north of Waco.',
  'Noted. We will shift the Saturday units south if the storm tracks as forecast.',
];

/**
 * The demo forum: a pinned schedule topic with a few dozen replies (some
 * nested, one quoting another, some liked), an answered question, and an
 * open one.
 */
async function seedForumTopics(trx: Kysely<Database>, communityId: string, userIds: Map<string, string>) {
  const forums = await trx.selectFrom('forum').select(['id', 'name']).where('community_id', '=', communityId).execute();
  const forum = (name: string) => forums.find((f) => f.name === name)!.id;
  const base = clockOf(trx).now().getTime() - 6 * 60 * 60 * 1000;
  const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
  const topics: { id: string; forum: string; author: string; title: string; body: string; tags: string[]; question?: boolean; pinned?: boolean; replies: [author: string, body: string, parent?: number][] ; answer?: number }[] = [
    {
      id: 'top_demo_schedule',
      forum: 'Operations',
      author: DANA,
      title: 'Patrol schedule for the Memorial Day weekend',
      body: 'Post which stretch of I-35 your agency can cover Thursday through Monday, and when. I will roll it up into the shared schedule for the **peak trafficking times** activity.',
      tags: ['schedule', 'memorial-day'],
      pinned: true,
      replies: Array.from({ length: 36 }, (_, i): [string, string, number?] => {
        const author = [MARCUS, RAY, DANA][i % 3]!;
        const text = SCHEDULE_LINES[i % SCHEDULE_LINES.length]!;
        // Every fifth reply answers the one before it (nested under it).
        return i % 5 === 4 ? [author, text, i - 1] : [author, text];
      }),
    },
    {
      id: 'top_demo_readers',
      forum: 'Intelligence sharing',
      author: RAY,
      title: 'Which plate readers cover mile markers 180–230?',
      body: 'Planning the northbound stretch for the weekend. Which agencies have license plate readers between **MM 180 and MM 230**, and who do we ask for a query?',
      tags: ['lpr', 'question'],
      question: true,
      replies: [
        [DANA, 'DPS has fixed readers at MM 186 and MM 221.'],
        [MARCUS, 'Hays County has two mobile readers and a fixed one at **MM 205**. Queries go through our analyst desk; ask for the LPR log by time window.'],
        [RAY, 'Perfect, thank you both.', 1],
      ],
      answer: 1,
    },
    {
      id: 'top_demo_compartments',
      forum: 'Intelligence sharing',
      author: MARCUS,
      title: 'New aftermarket compartments in 2019+ pickups?',
      body: 'Has anyone seen the bed-rail compartments that showed up in San Marcos last month? Looking for photos of the install (no case details).',
      tags: ['concealment'],
      question: true,
      replies: [],
    },
  ];
  let minute = 0;
  for (const t of topics) {
    minute += 5;
    const replyIds: string[] = [];
    const rows = t.replies.map(([author, body, parent], i) => {
      const id = `${t.id.replace('top_', 'rpl_')}_${String(i + 1).padStart(3, '0')}`;
      replyIds.push(id);
      const parentId = parent === undefined ? null : replyIds[parent]!;
      return { id, author, body, parentId, seq: i + 1, parentSeq: parent === undefined ? null : parent + 1 };
    });
    const last = at(minute + rows.length * 4);
    await trx
      .insertInto('topic')
      .values({
        id: t.id,
        forum_id: forum(t.forum),
        community_id: communityId,
        author_id: userIds.get(t.author)!,
        title: t.title,
        body: t.body,
        tags: JSON.stringify(t.tags),
        question: t.question ? 1 : 0,
        pinned: t.pinned ? 1 : 0,
        answer_reply_id: t.answer === undefined ? null : replyIds[t.answer]!,
        reply_count: rows.length,
        last_seq: rows.length,
        client_id: null,
        last_activity_at: last,
        edited_at: null,
        deleted_at: null,
        created_at: at(minute),
      })
      .execute();
    await trx.insertInto('topic_tag').values(t.tags.map((tag) => ({ topic_id: t.id, tag }))).execute();
    await trx.insertInto('topic_follow').values({ topic_id: t.id, user_id: userIds.get(t.author)!, created_at: at(minute) }).execute();
    for (const r of rows) {
      await trx
        .insertInto('reply')
        .values({
          id: r.id,
          topic_id: t.id,
          author_id: userIds.get(r.author)!,
          parent_id: r.parentId,
          // The one quote: reply 12 quotes reply 2.
          quote_id: t.id === 'top_demo_schedule' && r.seq === 12 ? replyIds[1]! : null,
          root_seq: r.parentSeq ?? r.seq,
          seq: r.seq,
          body: r.body,
          like_count: r.seq % 4 === 1 ? 2 : 0,
          client_id: null,
          edited_at: null,
          deleted_at: null,
          created_at: at(minute + r.seq * 4),
        })
        .execute();
      if (r.seq % 4 === 1) {
        const likers = [DANA, MARCUS, RAY].filter((u) => u !== r.author).slice(0, 2);
        await trx.insertInto('reply_like').values(likers.map((u) => ({ reply_id: r.id, user_id: userIds.get(u)!, created_at: at(minute + r.seq * 4 + 1) }))).execute();
      }
    }
    await trx.updateTable('forum').set((eb) => ({ topic_count: eb('topic_count', '+', 1), last_activity_at: last })).where('id', '=', forum(t.forum)).execute();
  }
}

/**
 * The seeds' activity: the task force researches peak trafficking times,
 * started from the community's template; the schedule step is done, the
 * second is the whole group's, the third is Ray's.
 */
export const DEMO_ACTIVITY_ID = 'act_demo_peak_times';
async function seedActivity(trx: Kysely<Database>, communityId: string, userIds: Map<string, string>) {
  const template = await trx.selectFrom('activity').select('id').where('community_id', '=', communityId).where('is_template', '=', 1).executeTakeFirstOrThrow();
  await copyTemplate(trx, template.id, {
    // A readable, stable id for the demo page and the tests.
    id: DEMO_ACTIVITY_ID,
    communityId,
    ownerId: userIds.get(DANA)!,
    title: 'Peak trafficking times on the I-35 corridor',
    goal: 'Find when trafficking peaks along the corridor and put patrols there, then check whether it worked.',
    dueDate: new Date(clockOf(trx).now().getTime() + 21 * 86_400_000).toISOString().slice(0, 10),
  });
  const steps = await trx.selectFrom('activity_step').select(['id', 'title']).where('activity_id', '=', DEMO_ACTIVITY_ID).orderBy('position').execute();
  const day = (n: number) => new Date(clockOf(trx).now().getTime() + n * 86_400_000).toISOString().slice(0, 10);
  const [schedule, communicate, assess] = steps;
  await trx.updateTable('activity_step').set({ done: 1, done_by: userIds.get(MARCUS)!, done_at: new Date(clockOf(trx).now().getTime() - 2 * 86_400_000).toISOString(), assignee_kind: 'user', assignee_id: userIds.get(MARCUS)!, due_date: day(-3) }).where('id', '=', schedule!.id).execute();
  await trx.updateTable('activity_step').set({ assignee_kind: 'group', due_date: day(2) }).where('id', '=', communicate!.id).execute();
  await trx.updateTable('activity_step').set({ assignee_kind: 'user', assignee_id: userIds.get(RAY)!, due_date: day(14) }).where('id', '=', assess!.id).execute();
  await trx
    .insertInto('activity_update')
    .values({
      id: 'aup_demo_001',
      activity_id: DEMO_ACTIVITY_ID,
      step_id: schedule!.id,
      author_id: userIds.get(MARCUS)!,
      body: 'Draft schedule is in the **Operations** forum: Thursday–Sunday, 0100–0500, four stretches.',
      attachment_id: null,
      created_at: new Date(clockOf(trx).now().getTime() - 2 * 86_400_000).toISOString(),
    })
    .execute();
}

/**
 * The portal's services, as on the LEEP Services page: N-DEx under
 * maintenance now, Use of Force with maintenance planned, ViCAP only for
 * Hays County (so Dana, of DPS, sees how to request it), and two services
 * with a JusticeConnect community. Addresses are placeholders.
 */
const DEMO_SERVICES = [
  { id: 'n-dex', name: 'N-DEx', icon: 'database', description: 'National Data Exchange: search incident, arrest and booking records shared by agencies nationwide.', url: 'https://ndex.demo.example/' },
  {
    id: 'vicap',
    name: 'ViCAP',
    icon: 'fingerprint',
    description: 'Violent Criminal Apprehension Program: link violent crimes across jurisdictions (required for compliance under Molly Jane’s Law).',
    url: 'https://vicap.demo.example/',
    restrictedTo: ['TX1050000'],
    instructions: 'ViCAP access is granted per agency. Ask your agency administrator, or request access here and a site administrator will review it.',
  },
  { id: 'use-of-force', name: 'National Use of Force Data Collection', icon: 'chart', description: 'Submit and review use-of-force incident data for your agency.', url: 'https://uof.demo.example/' },
  { id: 'justiceconnect', name: 'JusticeConnect', icon: 'users', description: 'Communities of interest, forums, files and activities across agencies.', url: '/intranet.html', community: 'highway-interdiction' },
  { id: 'gang-intel', name: 'National Gang Intelligence Center', icon: 'shield', description: 'Gang intelligence products and analyst support.', url: 'https://ngic.demo.example/', community: 'gang-intelligence-exchange' },
  { id: 'vcc', name: 'Virtual Command Center', icon: 'map', description: 'Shared situational awareness for special events and critical incidents.', url: 'https://vcc.demo.example/' },
  { id: 'eguardian', name: 'eGuardian', icon: 'alert', description: 'Report and share suspicious activity with the Joint Terrorism Task Forces.', url: 'https://eguardian.demo.example/' },
] as const;

const DEMO_ANNOUNCEMENTS = [
  ['success', 'N-DEx search is faster', 'Searches now return in under two seconds for most queries.'],
  ['emergency', 'Severe weather along I-35', 'Tornado warnings from Waco to Oklahoma City until 2200. Follow your agency’s severe weather procedures.'],
  ['information', 'New JusticeConnect training', 'A 20-minute video on communities and activities is in Member Support.'],
  ['error', 'ViCAP uploads delayed', 'Case uploads are queued and will finish within the hour.'],
  ['warning', 'Passwords expire every 90 days', 'Change yours before it expires to avoid a help-desk reset.'],
] as const;

async function seedServices(trx: Kysely<Database>, communityIds: Map<string, string>, agencyIds: Map<string, string>, adminId: string) {
  const now = clockOf(trx).now().getTime();
  const iso = (ms: number) => new Date(now + ms).toISOString();
  for (const [i, s] of DEMO_SERVICES.entries()) {
    await trx
      .insertInto('service')
      .values({
        id: s.id,
        name: s.name,
        icon: s.icon,
        description: s.description,
        url: s.url,
        community_id: 'community' in s ? communityIds.get(s.community)! : null,
        access_rule: 'restrictedTo' in s ? 'restricted' : 'everyone',
        access_instructions: 'instructions' in s ? s.instructions : '',
        health_url: null,
        position: i,
        status_message: null,
        status_updated_at: iso(0),
        created_at: iso(0),
        updated_at: iso(0),
      })
      .execute();
    if ('restrictedTo' in s) {
      await trx.insertInto('service_access').values(s.restrictedTo.map((ori) => ({ service_id: s.id, kind: 'agency' as const, value: agencyIds.get(ori)! }))).execute();
    }
  }
  await trx
    .insertInto('maintenance_window')
    .values([
      { id: 'mnt_demo_ndex', service_id: 'n-dex', starts_at: iso(-30 * 60_000), ends_at: iso(3 * 3600_000), message: 'Quarterly database maintenance: searches are unavailable.', created_by: adminId, created_at: iso(0), start_announced: 1 },
      { id: 'mnt_demo_uof', service_id: 'use-of-force', starts_at: iso(3 * 86_400_000), ends_at: iso(3 * 86_400_000 + 4 * 3600_000), message: 'Planned upgrade: submissions paused for four hours.', created_by: adminId, created_at: iso(0), start_announced: 0 },
    ])
    .execute();
  for (const [i, [severity, title, body]] of DEMO_ANNOUNCEMENTS.entries()) {
    await trx
      .insertInto('announcement')
      .values({ id: `ann_demo_${i}`, severity, title, body, starts_at: iso(-3600_000), ends_at: iso(30 * 86_400_000), created_by: adminId, created_at: iso(0), updated_at: iso(0), start_announced: 1 })
      .execute();
  }
}

/** A number every JusticeConnect process agrees on, so only one seeds at a time. */
const SEED_LOCK_KEY = 0x4a43_5344; // "JCSD"

/**
 * Seeds an empty database with the demo data; does nothing when agencies
 * exist. Returns whether it seeded. On PostgreSQL an advisory lock makes
 * several processes starting at once on an empty database seed it once.
 */
export async function seedDemo(services: Pick<Services, 'db' | 'auth' | 'config'>): Promise<boolean> {
  const { db } = services;
  return db.dialect.withLock(db.kysely, SEED_LOCK_KEY, () => seedEmpty(services));
}

async function seedEmpty({ db, auth, config }: Pick<Services, 'db' | 'auth' | 'config'>): Promise<boolean> {
  const existing = await db.kysely.selectFrom('agency').select('id').limit(1).executeTakeFirst();
  if (existing) return false;
  const agencyIds = new Map<string, string>();
  const start = clockOf(db.kysely).now().getTime() - 60 * 60 * 1000;
  await db.kysely.transaction().execute(async (trx) => {
    for (const agency of DEMO_AGENCIES) {
      const id = randomUUID();
      agencyIds.set(agency.ori, id);
      await trx.insertInto('agency').values({ id, name: agency.name, ori: agency.ori, created_at: new Date(start).toISOString() }).execute();
    }
  });
  const userIds = new Map<string, string>();
  for (const u of DEMO_USERS) {
    const { user } = await auth.api.signUpEmail({ body: { name: u.name, email: u.email, password: u.password } });
    userIds.set(u.email, user.id);
  }
  await db.kysely.transaction().execute(async (trx) => {
    for (const u of DEMO_USERS) {
      const id = userIds.get(u.email)!;
      await updateProfile(trx, id, { agencyId: agencyIds.get(u.ori), title: u.title, optedIn: u.optedIn });
      await enrolWithSecret(trx, config.authSecret, id, demoTotpSecret(u.email));
      await trx
        .updateTable('profile')
        .set({ status: u.status, site_admin: u.siteAdmin ? 1 : 0, agency_admin: u.agencyAdmin ? 1 : 0 })
        .where('user_id', '=', id)
        .execute();
    }
    const communityIds = new Map<string, string>();
    for (const [i, c] of DEMO_COMMUNITIES.entries()) {
      const id = randomUUID();
      communityIds.set(c.slug, id);
      const at = new Date(start + (i + 1) * 60_000).toISOString();
      await trx
        .insertInto('community')
        .values({
          id,
          parent_id: c.parent ? communityIds.get(c.parent)! : null,
          slug: c.slug,
          name: c.name,
          description: c.description,
          banner_url: null,
          tags: JSON.stringify(c.tags),
          visibility: c.visibility,
          settings: JSON.stringify(c.settings ?? {}),
          created_by: userIds.get(c.members[0]![0])!,
          archived_at: null,
          created_at: at,
          updated_at: at,
        })
        .execute();
      for (const [email, role] of c.members) await setMembership(trx, id, userIds.get(email)!, role, 'active');
      const settings = c.settings as typeof taskForceSettings | undefined;
      await createForumsFromSettings(trx, id, settings?.forums);
      await createTemplatesFromSettings(trx, id, userIds.get(c.members[0]![0])!, settings?.activityTemplates);
    }
    await seedForumTopics(trx, communityIds.get('i-35-corridor-task-force')!, userIds);
    await seedActivity(trx, communityIds.get('i-35-corridor-task-force')!, userIds);
    await seedServices(trx, communityIds, agencyIds, userIds.get('admin@justiceconnect.demo.test')!);
    for (const [i, [slug, email, minutesAgo, type, body]] of DEMO_POSTS.entries()) {
      const at = new Date(clockOf(trx).now().getTime() - minutesAgo * 60_000).toISOString();
      await trx
        .insertInto('post')
        .values({
          id: `pst_demo_${String(i).padStart(3, '0')}`,
          community_id: communityIds.get(slug)!,
          author_id: userIds.get(email)!,
          type,
          title: type === 'blog' ? body.split('\n')[0]! : null,
          body: type === 'blog' ? body.split('\n').slice(2).join('\n') : body,
          attachment_id: null,
          client_id: null,
          edited_at: null,
          deleted_at: null,
          created_at: at,
        })
        .execute();
      await trx.updateTable('community').set({ updated_at: at }).where('id', '=', communityIds.get(slug)!).execute();
    }
  });
  return true;
}

export function describeDemoAccounts(): string {
  const rows = DEMO_USERS.map((u) => `  ${u.email.padEnd(36)} ${u.password}   ${u.name} (${u.note})`);
  return ['Demo accounts (demo data only):', ...rows, 'Their one-time code: npm run demo:code -- <email>'].join('\n');
}
