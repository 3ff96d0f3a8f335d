import type { Activity, ActivityStatus, ActivityStep, ActivityUpdate, AssigneeInput, Me, Todo } from '../api/schemas.js';
import { localDateIn } from '../shared/dates.js';
import type { FixtureCommunity } from './fixtures.js';
import { neverAnswered } from './fixture-requests.js';

/*
 * Recorded activities for Storybook: the activities API
 * (packages/server/src/activities/) answered from memory, with the
 * same shapes and, simplified, the same rules: readers read, members change
 * steps and post updates, a restricted community's activities do not exist
 * for outsiders. Due dates are relative to today, so "overdue" stays overdue.
 */

export interface ActivityFixtureOptions {
  /** The activities the fixture server knows (default: `fixtureActivities()`). */
  activities?: FixtureActivity[];
  /** Reading activities and to-dos fails with a server error (the session still loads). */
  activitiesFail?: boolean;
  /** Reading activities and to-dos never answers (to show the loading state). */
  activitiesPending?: boolean;
}

/** A step as the fixture server keeps it: people by user id. */
export interface FixtureStep {
  id: string;
  sectionId: string | null;
  title: string;
  assignee: AssigneeInput;
  dueDate: string | null;
  doneBy: string | null;
  doneAt: string | null;
}

export interface FixtureActivity {
  id: string;
  /** The community's slug. */
  community: string;
  title: string;
  goal: string;
  ownerId: string;
  dueDate: string | null;
  status: ActivityStatus;
  version: number;
  updatedAt: string;
  sections: { id: string; title: string }[];
  /** In display order (steps outside any section first, then each section's). */
  steps: FixtureStep[];
  updates: { id: string; stepId: string | null; authorId: string; body: string; createdAt: string }[];
}

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

function step(id: string, title: string, extra: Partial<FixtureStep> = {}): FixtureStep {
  return { id, sectionId: null, title, assignee: null, dueDate: null, doneBy: null, doneAt: null, ...extra };
}

/** The demo task force's activity (like the server's seed, with an overdue step and a section), one in a public community, and one with no steps. */
export function fixtureActivities(): FixtureActivity[] {
  return [
    {
      id: 'act_demo_peak_times',
      community: 'i-35-corridor-task-force',
      title: 'Peak trafficking times on the I-35 corridor',
      goal: 'Find when trafficking peaks along the corridor and put patrols there, then check whether it worked.',
      ownerId: 'usr_dana',
      dueDate: localDateIn(21),
      status: 'active',
      version: 7,
      updatedAt: ago(90),
      sections: [{ id: 'sec_assessment', title: 'Assessment' }],
      steps: [
        step('stp_schedule', 'Develop a patrol schedule', { assignee: { kind: 'user', id: 'usr_marcus' }, dueDate: localDateIn(-3), doneBy: 'usr_marcus', doneAt: ago(2 * 24 * 60) }),
        step('stp_reports', 'Collect seizure reports from each agency', { assignee: { kind: 'user', id: 'usr_dana' }, dueDate: localDateIn(-1) }),
        step('stp_communicate', 'Communicate the schedule to members', { assignee: { kind: 'group' }, dueDate: localDateIn(2) }),
        step('stp_assess', 'Plan a time to assess the result', { sectionId: 'sec_assessment', assignee: { kind: 'user', id: 'usr_ray' }, dueDate: localDateIn(14) }),
        step('stp_share', 'Share the results with the fusion center', { sectionId: 'sec_assessment' }),
      ],
      updates: [
        { id: 'aup_demo_001', stepId: 'stp_schedule', authorId: 'usr_marcus', body: 'Draft schedule is in the **Operations** forum: Thursday–Sunday, 0100–0500, four stretches.', createdAt: ago(2 * 24 * 60) },
        { id: 'aup_demo_002', stepId: null, authorId: 'usr_ray', body: 'Same pattern north of the Red River: late-night, rental cars, two occupants.', createdAt: ago(35) },
      ],
    },
    {
      id: 'act_interdiction_training',
      community: 'highway-interdiction',
      title: 'Spring interdiction training',
      goal: 'A one-day course on consent searches and concealment methods for new troopers.',
      ownerId: 'usr_dana',
      dueDate: localDateIn(30),
      status: 'active',
      version: 3,
      updatedAt: ago(600),
      sections: [],
      steps: [
        step('stp_room', 'Book the training room', { assignee: { kind: 'user', id: 'usr_dana' }, doneBy: 'usr_dana', doneAt: ago(3 * 24 * 60) }),
        step('stp_invite', 'Send the invitations', { assignee: { kind: 'group' }, dueDate: localDateIn(5) }),
        step('stp_case_law', 'Summarize this year’s case law', { assignee: { kind: 'user', id: 'usr_ray' }, dueDate: localDateIn(-2) }),
      ],
      updates: [],
    },
    {
      id: 'act_empty',
      community: 'i-35-corridor-task-force',
      title: 'Labor Day weekend operation',
      goal: 'Plan the joint operation for the holiday weekend.',
      ownerId: 'usr_dana',
      dueDate: null,
      status: 'active',
      version: 1,
      updatedAt: ago(30),
      sections: [],
      steps: [],
      updates: [],
    },
  ];
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const fail = (status: number, code: string, message: string, fields?: Record<string, string>) => json(status, { error: fields ? { code, message, fields } : { code, message } });
const DATE = /^\d{4}-\d{2}-\d{2}$/;

type PersonOf = (userId: string) => { name: string; agency: string | null };

/** Is this path one of the activities API's? (`fixtureFetch` sends those here.) */
export function isActivityPath(pathname: string): boolean {
  return /^\/api\/v1\/(activities|steps)\//.test(pathname) || pathname === '/api/v1/me/todos' || /^\/api\/v1\/communities\/[^/]+\/activities$/.test(pathname);
}

/** The activities API, in memory, over the fixture server's communities (so joining one in a story lets you in). */
export function activityFixtureServer(communities: FixtureCommunity[], options: ActivityFixtureOptions, person: PersonOf) {
  const activities = structuredClone(options.activities ?? fixtureActivities());
  let sequence = 0;
  const bySlug = (ref: string) => communities.find((c) => c.slug === ref || c.id === ref);
  const member = (c: FixtureCommunity, uid: string) => c.members[uid]?.state === 'active';
  const moderator = (c: FixtureCommunity, uid: string) => member(c, uid) && c.members[uid]!.role !== 'member';
  const readable = (c: FixtureCommunity, uid: string) => !c.archived && (c.visibility !== 'restricted' || member(c, uid));

  const stepView = (a: FixtureActivity, c: FixtureCommunity, s: FixtureStep, uid: string, position: number): ActivityStep => ({
    id: s.id,
    activityId: a.id,
    sectionId: s.sectionId,
    title: s.title,
    notes: '',
    assignee: s.assignee === null ? null : s.assignee.kind === 'group' ? { kind: 'group' } : { kind: 'user', id: s.assignee.id, name: person(s.assignee.id).name },
    dueDate: s.dueDate,
    done: s.doneBy !== null,
    doneBy: s.doneBy ? { id: s.doneBy, name: person(s.doneBy).name } : null,
    doneAt: s.doneAt,
    position,
    assignedToMe: (s.assignee?.kind === 'user' && s.assignee.id === uid) || (s.assignee?.kind === 'group' && member(c, uid)),
  });

  /** The steps in display order, with their positions within their section. */
  const ordered = (a: FixtureActivity) => {
    const rank = new Map<string | null, number>([[null, -1], ...a.sections.map((s, i) => [s.id, i] as [string, number])]);
    const steps = a.steps.map((s, i) => ({ s, i })).sort((x, y) => (rank.get(x.s.sectionId) ?? -1) - (rank.get(y.s.sectionId) ?? -1) || x.i - y.i);
    a.steps = steps.map((x) => x.s);
    return a.steps;
  };

  const view = (a: FixtureActivity, uid: string): Activity => {
    const c = bySlug(a.community)!;
    const positions = new Map<string | null, number>();
    const steps = ordered(a).map((s) => {
      const at = positions.get(s.sectionId) ?? 0;
      positions.set(s.sectionId, at + 1);
      return stepView(a, c, s, uid, at);
    });
    return {
      id: a.id,
      communityId: c.id,
      communitySlug: c.slug,
      communityName: c.name,
      title: a.title,
      goal: a.goal,
      owner: { id: a.ownerId, name: person(a.ownerId).name },
      dueDate: a.dueDate,
      status: a.status,
      template: false,
      progress: { done: steps.filter((s) => s.done).length, total: steps.length },
      updatedAt: a.updatedAt,
      version: a.version,
      sections: a.sections.map((s, position) => ({ ...s, position })),
      steps,
      canEdit: a.ownerId === uid || moderator(c, uid),
      canChangeSteps: member(c, uid),
    };
  };

  const updateView = (a: FixtureActivity, u: FixtureActivity['updates'][number]): ActivityUpdate => ({
    id: u.id,
    activityId: a.id,
    stepId: u.stepId,
    body: u.body,
    author: { id: u.authorId, ...person(u.authorId) },
    attachment: null,
    createdAt: u.createdAt,
  });

  const touch = (a: FixtureActivity) => {
    a.version += 1;
    a.updatedAt = new Date().toISOString();
  };

  /** An assignee from a request body: a member, the whole group or nobody; or a 422 naming the field. */
  const assigneeOf = (c: FixtureCommunity, value: unknown): AssigneeInput | Response => {
    if (value === null) return null;
    const v = value as { kind?: unknown; id?: unknown };
    if (v?.kind === 'group') return { kind: 'group' };
    if (v?.kind === 'user' && typeof v.id === 'string') {
      if (!member(c, v.id)) return fail(422, 'NOT_A_MEMBER', 'Assign a step to a member of this community.', { 'assignee.id': 'Not a member of this community' });
      return { kind: 'user', id: v.id };
    }
    return fail(400, 'VALIDATION_FAILED', 'Invalid request body: assignee', { assignee: 'Invalid input' });
  };

  const dueOf = (value: unknown): string | null | Response => {
    if (value === null || value === '') return null;
    if (typeof value === 'string' && DATE.test(value)) return value;
    return fail(400, 'VALIDATION_FAILED', 'Invalid request body: dueDate (A date as YYYY-MM-DD)', { dueDate: 'A date as YYYY-MM-DD' });
  };

  const titleOf = (value: unknown): string | Response => {
    const title = typeof value === 'string' ? value.trim() : '';
    return title ? title : fail(400, 'VALIDATION_FAILED', 'Invalid request body: title (Give it a title)', { title: 'Give it a title' });
  };

  const todos = (uid: string): Todo[] => {
    const items: Todo[] = [];
    for (const a of activities) {
      const c = bySlug(a.community);
      if (!c || a.status !== 'active' || !readable(c, uid)) continue;
      const v = view(a, uid);
      for (const s of v.steps) {
        if (s.done || !s.assignedToMe) continue;
        items.push({ ...s, activityTitle: a.title, communityId: c.id, communitySlug: c.slug, communityName: c.name });
      }
    }
    return items.sort((x, y) => (x.dueDate === null ? 1 : 0) - (y.dueDate === null ? 1 : 0) || (x.dueDate ?? '').localeCompare(y.dueDate ?? '') || x.activityTitle.localeCompare(y.activityTitle));
  };

  return async (me: Me, method: string, url: URL, body: Record<string, unknown>): Promise<Response> => {
    const uid = me.id;
    const reading = method === 'GET';
    if (reading && options.activitiesPending) return neverAnswered();
    if (reading && options.activitiesFail) return fail(500, 'INTERNAL', 'Something went wrong on the server.');
    const path = url.pathname.replace(/^\/api\/v1\//, '').split('/').map(decodeURIComponent);

    if (path[0] === 'me' && path[1] === 'todos' && reading) return json(200, { items: todos(uid) });

    if (path[0] === 'communities') {
      const c = bySlug(path[1] ?? '');
      if (!c || !readable(c, uid)) return fail(404, 'NOT_FOUND', 'No such community.');
      if (reading) {
        const status = url.searchParams.get('status');
        const templates = url.searchParams.get('templates') === 'true';
        const items = templates ? [] : activities.filter((a) => a.community === c.slug && (!status || a.status === status)).map((a) => view(a, uid));
        return json(200, { items: items.map(({ sections: _s, steps: _t, canEdit: _e, canChangeSteps: _c, ...summary }) => summary) });
      }
      if (method !== 'POST') return fail(405, 'METHOD_NOT_ALLOWED', 'Not allowed.');
      if (!member(c, uid)) return fail(403, 'MEMBERSHIP_REQUIRED', 'Join this community to do that.');
      const title = titleOf(body.title);
      if (title instanceof Response) return title;
      const created: FixtureActivity = {
        id: `act_fixture_${++sequence}`,
        community: c.slug,
        title,
        goal: typeof body.goal === 'string' ? body.goal : '',
        ownerId: uid,
        dueDate: typeof body.dueDate === 'string' ? body.dueDate : null,
        status: 'active',
        version: 1,
        updatedAt: new Date().toISOString(),
        sections: [],
        steps: (Array.isArray(body.steps) ? (body.steps as { title?: string }[]) : []).map((s) => step(`stp_fixture_${++sequence}`, String(s.title ?? ''))),
        updates: [],
      };
      activities.unshift(created);
      return json(201, view(created, uid));
    }

    // /activities/{id}[/sections|steps|updates] and /steps/{id}[/done|move]
    const a =
      path[0] === 'activities' ? activities.find((x) => x.id === path[1]) : path[0] === 'steps' ? activities.find((x) => x.steps.some((s) => s.id === path[1])) : undefined;
    const c = a ? bySlug(a.community) : undefined;
    if (!a || !c || !readable(c, uid)) return fail(404, 'NOT_FOUND', path[0] === 'steps' ? 'No such step.' : 'No such activity.');
    const action = path[2];

    if (path[0] === 'activities' && reading && !action) return json(200, view(a, uid));
    if (path[0] === 'activities' && reading && action === 'updates') {
      const limit = Math.min(100, Number(url.searchParams.get('limit') ?? 50));
      const offset = Number(url.searchParams.get('cursor') ?? 0);
      const page = a.updates.slice(offset, offset + limit).map((u) => updateView(a, u));
      return json(200, { items: page, nextCursor: a.updates.length > offset + limit ? String(offset + limit) : null });
    }
    if (reading) return fail(404, 'NOT_FOUND', `No fixture for ${method} ${url.pathname}`);
    if (!member(c, uid)) return fail(403, 'MEMBERSHIP_REQUIRED', 'Join this community to do that.');

    if (path[0] === 'activities') {
      if (method === 'PATCH' && !action) {
        if (a.ownerId !== uid && !moderator(c, uid)) return fail(403, 'OWNER_REQUIRED', 'Only the activity’s owner or a moderator may change it.');
        if (typeof body.title === 'string') a.title = body.title;
        if (typeof body.goal === 'string') a.goal = body.goal;
        if (body.dueDate !== undefined) a.dueDate = (body.dueDate as string | null) ?? null;
        if (typeof body.status === 'string') a.status = body.status as ActivityStatus;
        touch(a);
        return json(200, view(a, uid));
      }
      if (method === 'POST' && action === 'sections') {
        const title = titleOf(body.title);
        if (title instanceof Response) return title;
        a.sections.push({ id: `sec_fixture_${++sequence}`, title });
        touch(a);
        return json(201, view(a, uid));
      }
      if (method === 'POST' && action === 'steps') {
        const title = titleOf(body.title);
        if (title instanceof Response) return title;
        const sectionId = typeof body.sectionId === 'string' ? body.sectionId : null;
        if (sectionId && !a.sections.some((s) => s.id === sectionId)) return fail(422, 'UNKNOWN_SECTION', 'Choose a section of this activity.', { sectionId: 'Not a section of this activity' });
        const assignee = body.assignee === undefined ? null : assigneeOf(c, body.assignee);
        if (assignee instanceof Response) return assignee;
        const dueDate = dueOf(body.dueDate ?? null);
        if (dueDate instanceof Response) return dueDate;
        a.steps.push(step(`stp_fixture_${++sequence}`, title, { sectionId, assignee, dueDate }));
        touch(a);
        return json(201, view(a, uid));
      }
      if (method === 'POST' && action === 'updates') {
        const text = typeof body.body === 'string' ? body.body.trim() : '';
        if (!text) return fail(400, 'VALIDATION_FAILED', 'Invalid request body: body (Write something)', { body: 'Write something' });
        const stepId = typeof body.stepId === 'string' ? body.stepId : null;
        if (stepId && !a.steps.some((s) => s.id === stepId)) return fail(422, 'UNKNOWN_STEP', 'Choose a step of this activity.', { stepId: 'Not a step of this activity' });
        const update = { id: `aup_fixture_${++sequence}`, stepId, authorId: uid, body: text, createdAt: new Date().toISOString() };
        a.updates.push(update);
        return json(201, updateView(a, update));
      }
      return fail(404, 'NOT_FOUND', `No fixture for ${method} ${url.pathname}`);
    }

    const s = a.steps.find((x) => x.id === path[1])!;
    if (action === 'done' && (method === 'PUT' || method === 'DELETE')) {
      const done = method === 'PUT';
      if ((s.doneBy !== null) !== done) {
        s.doneBy = done ? uid : null;
        s.doneAt = done ? new Date().toISOString() : null;
      }
      touch(a);
      return json(200, view(a, uid));
    }
    if (action === 'move' && method === 'POST') {
      const index = typeof body.index === 'number' && Number.isInteger(body.index) && body.index >= 0 ? body.index : null;
      if (index === null) return fail(400, 'VALIDATION_FAILED', 'Invalid request body: index', { index: 'Expected an integer from 0' });
      const sectionId = body.sectionId === undefined ? s.sectionId : ((body.sectionId as string | null) ?? null);
      if (sectionId && !a.sections.some((x) => x.id === sectionId)) return fail(422, 'UNKNOWN_SECTION', 'Choose a section of this activity.', { sectionId: 'Not a section of this activity' });
      const rest = a.steps.filter((x) => x !== s);
      const inSection = rest.filter((x) => x.sectionId === sectionId);
      s.sectionId = sectionId;
      const before = inSection[Math.min(index, inSection.length)];
      if (before) rest.splice(rest.indexOf(before), 0, s);
      else rest.push(s);
      a.steps = rest;
      touch(a);
      return json(200, view(a, uid));
    }
    if (!action && method === 'PATCH') {
      if (body.title !== undefined) {
        const title = titleOf(body.title);
        if (title instanceof Response) return title;
        s.title = title;
      }
      if (body.assignee !== undefined) {
        const assignee = assigneeOf(c, body.assignee);
        if (assignee instanceof Response) return assignee;
        s.assignee = assignee;
      }
      if (body.dueDate !== undefined) {
        const dueDate = dueOf(body.dueDate);
        if (dueDate instanceof Response) return dueDate;
        s.dueDate = dueDate;
      }
      touch(a);
      return json(200, view(a, uid));
    }
    if (!action && method === 'DELETE') {
      a.steps = a.steps.filter((x) => x !== s);
      touch(a);
      return json(200, view(a, uid));
    }
    return fail(404, 'NOT_FOUND', `No fixture for ${method} ${url.pathname}`);
  };
}
