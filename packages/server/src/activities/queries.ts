import { sql, type Kysely, type Selectable } from 'kysely';
import type { Actor } from '../authz.ts';
import type { ContentRights } from '../authz.ts';
import { changeActivity, editActivity } from './policy.ts';
import { now } from '../db/database.ts';
import type { ActivityStatus, ActivityStepTable, ActivityTable, Database } from '../db/schema.ts';
import { joinUserAgency } from '../data/profiles.ts';
import { ApiError } from '../http/errors.ts';
import { encodeCursor, type Keyset } from '../http/cursor.ts';
import { newId } from '../db/ids.ts';

export type ActivityRow = Selectable<ActivityTable>;
export type StepRow = Selectable<ActivityStepTable>;

export interface Person {
  id: string;
  name: string;
}

export type Assignee = { kind: 'user'; id: string; name: string } | { kind: 'group' } | null;

export interface StepView {
  id: string;
  activityId: string;
  sectionId: string | null;
  title: string;
  notes: string;
  assignee: Assignee;
  dueDate: string | null;
  done: boolean;
  doneBy: Person | null;
  doneAt: string | null;
  position: number;
  /** Assigned to the reader, or to the whole group the reader is in. */
  assignedToMe: boolean;
}

export interface ActivitySummaryView {
  id: string;
  communityId: string;
  communitySlug: string;
  communityName: string;
  title: string;
  goal: string;
  owner: Person;
  dueDate: string | null;
  status: ActivityStatus;
  template: boolean;
  progress: { done: number; total: number };
  updatedAt: string;
  version: number;
}

export interface ActivityView extends ActivitySummaryView {
  sections: { id: string; title: string; position: number }[];
  steps: StepView[];
  /** May change the activity itself (title, goal, due date, status): its owner or a moderator. */
  canEdit: boolean;
  /** May add, assign, check off and reorder steps and post updates: members. */
  canChangeSteps: boolean;
}

/**
 * Takes the activity's write lock and counts the change: on PostgreSQL the
 * row lock makes concurrent writers to one activity wait their turn (each
 * then reads the order the previous one left); on SQLite the write
 * transaction is already exclusive. Every step change starts with it.
 */
export async function lockActivity(db: Kysely<Database>, activityId: string): Promise<number> {
  const row = await db
    .updateTable('activity')
    .set((eb) => ({ version: eb('version', '+', 1), updated_at: now(db) }))
    .where('id', '=', activityId)
    .returning(['version'])
    .executeTakeFirst();
  if (!row) throw new ApiError(404, 'NOT_FOUND', 'No such activity.');
  return Number(row.version);
}

const stepSelect = (db: Kysely<Database>) =>
  db
    .selectFrom('activity_step')
    .leftJoin('user as assignee', 'assignee.id', 'activity_step.assignee_id')
    .leftJoin('user as doer', 'doer.id', 'activity_step.done_by')
    .selectAll('activity_step')
    .select(['assignee.name as assignee_name', 'doer.name as done_by_name']);

type StepJoined = StepRow & { assignee_name: string | null; done_by_name: string | null };

function stepView(r: StepJoined, me: string, inGroup: boolean): StepView {
  const assignee: Assignee =
    r.assignee_kind === 'group' ? { kind: 'group' } : r.assignee_kind === 'user' && r.assignee_id ? { kind: 'user', id: r.assignee_id, name: r.assignee_name ?? '' } : null;
  return {
    id: r.id,
    activityId: r.activity_id,
    sectionId: r.section_id,
    title: r.title,
    notes: r.notes,
    assignee,
    dueDate: r.due_date,
    done: Boolean(r.done),
    doneBy: r.done_by ? { id: r.done_by, name: r.done_by_name ?? '' } : null,
    doneAt: r.done_at,
    position: Number(r.position),
    assignedToMe: (assignee?.kind === 'user' && assignee.id === me) || (assignee?.kind === 'group' && inGroup),
  };
}

const summaryBase = (db: Kysely<Database>) =>
  db
    .selectFrom('activity')
    .innerJoin('community', 'community.id', 'activity.community_id')
    .innerJoin('user as owner', 'owner.id', 'activity.owner_id')
    .selectAll('activity')
    .select(['community.slug as community_slug', 'community.name as community_name', 'owner.name as owner_name'])
    .select((eb) => [
      eb.selectFrom('activity_step').select((s) => s.fn.countAll<number | string>().as('n')).whereRef('activity_step.activity_id', '=', 'activity.id').as('total'),
      eb
        .selectFrom('activity_step')
        .select((s) => s.fn.countAll<number | string>().as('n'))
        .whereRef('activity_step.activity_id', '=', 'activity.id')
        .where('activity_step.done', '=', 1)
        .as('done_count'),
    ]);

type SummaryRow = ActivityRow & { community_slug: string; community_name: string; owner_name: string; total: number | string | null; done_count: number | string | null };

function summaryView(r: SummaryRow): ActivitySummaryView {
  return {
    id: r.id,
    communityId: r.community_id,
    communitySlug: r.community_slug,
    communityName: r.community_name,
    title: r.title,
    goal: r.goal,
    owner: { id: r.owner_id, name: r.owner_name },
    dueDate: r.due_date,
    status: r.status,
    template: Boolean(r.is_template),
    progress: { done: Number(r.done_count ?? 0), total: Number(r.total ?? 0) },
    updatedAt: r.updated_at,
    version: Number(r.version),
  };
}

export async function listActivities(db: Kysely<Database>, communityId: string, options: { templates: boolean; status?: ActivityStatus }): Promise<ActivitySummaryView[]> {
  let q = summaryBase(db).where('activity.community_id', '=', communityId).where('activity.is_template', '=', options.templates ? 1 : 0);
  if (options.status) q = q.where('activity.status', '=', options.status);
  const rows = (await q.orderBy('activity.updated_at', 'desc').orderBy('activity.id', 'desc').limit(200).execute()) as SummaryRow[];
  return rows.map(summaryView);
}

export async function findActivity(db: Kysely<Database>, id: string): Promise<ActivityRow | undefined> {
  return db.selectFrom('activity').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The steps in display order: sections in their order (steps outside any section first), each section's steps by position. */
export async function orderedSteps(db: Kysely<Database>, activityId: string): Promise<StepRow[]> {
  const [sections, steps] = await Promise.all([
    db.selectFrom('activity_section').select(['id']).where('activity_id', '=', activityId).orderBy('position').orderBy('id').execute(),
    db.selectFrom('activity_step').selectAll().where('activity_id', '=', activityId).orderBy('position').orderBy('id').execute(),
  ]);
  const rank = new Map<string | null, number>([[null, -1], ...sections.map((s, i) => [s.id, i] as [string, number])]);
  return [...steps].sort((a, b) => (rank.get(a.section_id) ?? -1) - (rank.get(b.section_id) ?? -1) || a.position - b.position);
}

/**
 * The step read again under its activity's lock (lockActivity): one deleted
 * by a writer that held the lock first is gone (404), not moved, edited or
 * deleted a second time.
 */
export async function stepUnderLock(trx: Kysely<Database>, id: string): Promise<StepRow> {
  const row = await trx.selectFrom('activity_step').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new ApiError(404, 'NOT_FOUND', 'No such step.');
  return row as StepRow;
}

/** Writes positions 0…n-1 in the given order, touching only the rows whose position changes. */
export async function renumber(db: Kysely<Database>, steps: Pick<StepRow, 'id' | 'position'>[]): Promise<void> {
  for (const [i, s] of steps.entries()) {
    if (Number(s.position) !== i) await db.updateTable('activity_step').set({ position: i }).where('id', '=', s.id).execute();
  }
}

/**
 * Moves a step to `index` within `sectionId` (null: outside any section),
 * against the order as it is now (the caller holds the activity's lock, so
 * no concurrent move can interleave).
 */
export async function moveStep(db: Kysely<Database>, step: StepRow, sectionId: string | null, index: number): Promise<void> {
  const all = await orderedSteps(db, step.activity_id);
  const rest = all.filter((s) => s.id !== step.id);
  const inSection = rest.filter((s) => s.section_id === sectionId);
  const at = Math.max(0, Math.min(index, inSection.length));
  const moved = { ...step, section_id: sectionId };
  let order: StepRow[];
  if (inSection.length === 0) {
    // First step of its section: place it where the section's steps would sort.
    order = [...rest, moved];
  } else if (at < inSection.length) {
    const before = inSection[at]!;
    order = rest.flatMap((s) => (s.id === before.id ? [moved, s] : [s]));
  } else {
    const after = inSection[inSection.length - 1]!;
    order = rest.flatMap((s) => (s.id === after.id ? [s, moved] : [s]));
  }
  if (sectionId !== step.section_id) await db.updateTable('activity_step').set({ section_id: sectionId, updated_at: now(db) }).where('id', '=', step.id).execute();
  await renumber(db, order);
}

export async function activityView(db: Kysely<Database>, rights: ContentRights, id: string): Promise<ActivityView> {
  const r = (await summaryBase(db).where('activity.id', '=', id).executeTakeFirst()) as SummaryRow | undefined;
  if (!r) throw new ApiError(404, 'NOT_FOUND', 'No such activity.');
  const [sections, order, rows] = await Promise.all([
    db.selectFrom('activity_section').select(['id', 'title', 'position']).where('activity_id', '=', id).orderBy('position').orderBy('id').execute(),
    orderedSteps(db, id),
    stepSelect(db).where('activity_step.activity_id', '=', id).execute() as Promise<StepJoined[]>,
  ]);
  const byId = new Map(rows.map((s) => [s.id, s]));
  const me = rights.actor.userId;
  return {
    ...summaryView(r),
    sections: sections.map((s) => ({ id: s.id, title: s.title, position: Number(s.position) })),
    steps: order.map((s) => stepView(byId.get(s.id)!, me, rights.member)),
    canEdit: editActivity(rights, r).allow,
    canChangeSteps: (rights.member || rights.moderator) && changeActivity(rights, r).allow,
  };
}

export interface NewStep {
  title: string;
  notes?: string;
  sectionId?: string | null;
  assignee?: { kind: 'user'; id: string } | { kind: 'group' } | null;
  dueDate?: string | null;
}

/** Appends a step at the end of its section. */
export async function insertStep(db: Kysely<Database>, activity: Pick<ActivityRow, 'id' | 'community_id'>, step: NewStep): Promise<string> {
  const id = newId('stp');
  const at = now(db);
  const last = await db.selectFrom('activity_step').select((eb) => eb.fn.max('position').as('p')).where('activity_id', '=', activity.id).executeTakeFirst();
  await db
    .insertInto('activity_step')
    .values({
      id,
      activity_id: activity.id,
      community_id: activity.community_id,
      section_id: step.sectionId ?? null,
      title: step.title,
      notes: step.notes ?? '',
      assignee_kind: step.assignee?.kind ?? null,
      assignee_id: step.assignee?.kind === 'user' ? step.assignee.id : null,
      due_date: step.dueDate ?? null,
      position: Number(last?.p ?? -1) + 1,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return id;
}

/** An activity with its steps, as a new community's templates (from its settings) or a copy of a template. */
export async function insertActivity(
  db: Kysely<Database>,
  a: { id?: string; communityId: string; ownerId: string; title: string; goal?: string; dueDate?: string | null; template?: boolean; steps?: NewStep[]; sections?: { title: string; steps: NewStep[] }[] },
): Promise<string> {
  const id = a.id ?? newId('act');
  const at = now(db);
  await db
    .insertInto('activity')
    .values({
      id,
      community_id: a.communityId,
      title: a.title,
      goal: a.goal ?? '',
      owner_id: a.ownerId,
      due_date: a.dueDate ?? null,
      is_template: a.template ? 1 : 0,
      created_at: at,
      updated_at: at,
    })
    .execute();
  const activity = { id, community_id: a.communityId };
  for (const s of a.steps ?? []) await insertStep(db, activity, s);
  for (const [i, section] of (a.sections ?? []).entries()) {
    const sectionId = newId('sec');
    await db.insertInto('activity_section').values({ id: sectionId, activity_id: id, title: section.title, position: i }).execute();
    for (const s of section.steps) await insertStep(db, activity, { ...s, sectionId });
  }
  return id;
}

/** Copies a template's sections and steps (titles, notes and order; never who did what) into a new activity. */
export async function copyTemplate(db: Kysely<Database>, templateId: string, into: { id?: string; communityId: string; ownerId: string; title: string; goal?: string; dueDate?: string | null }) {
  const template = await findActivity(db, templateId);
  if (!template) throw new ApiError(422, 'UNKNOWN_TEMPLATE', 'Choose a template.', { templateId: 'No such template' });
  const [sections, steps] = await Promise.all([
    db.selectFrom('activity_section').selectAll().where('activity_id', '=', templateId).orderBy('position').execute(),
    orderedSteps(db, templateId),
  ]);
  const plain = (s: StepRow): NewStep => ({ title: s.title, notes: s.notes, assignee: s.assignee_kind === 'group' ? { kind: 'group' } : null });
  return insertActivity(db, {
    ...into,
    goal: into.goal ?? template.goal,
    steps: steps.filter((s) => s.section_id === null).map(plain),
    sections: sections.map((sec) => ({ title: sec.title, steps: steps.filter((s) => s.section_id === sec.id).map(plain) })),
  });
}

/** A new community's activity templates, from its settings (its own, or copied with copyFrom). */
export async function createTemplatesFromSettings(db: Kysely<Database>, communityId: string, ownerId: string, templates: { title: string; steps: string[] }[] | undefined) {
  for (const t of templates ?? []) {
    await insertActivity(db, { communityId, ownerId, title: t.title, template: true, steps: t.steps.map((title) => ({ title })) });
  }
}

export interface TodoView extends StepView {
  activityTitle: string;
  communityId: string;
  communitySlug: string;
  communityName: string;
}

/**
 * "My to-dos": open steps of active activities, assigned to me or to the
 * whole group of a community I am a member of, in communities whose content I
 * may read; soonest due first, undated last.
 */
export async function myTodos(db: Kysely<Database>, actor: Actor, memberOf: string[], readable: Set<string>): Promise<TodoView[]> {
  const rows = (await stepSelect(db)
    .innerJoin('activity', 'activity.id', 'activity_step.activity_id')
    .innerJoin('community', 'community.id', 'activity_step.community_id')
    .select(['activity.title as activity_title', 'community.slug as community_slug', 'community.name as community_name'])
    .where('activity_step.done', '=', 0)
    .where('activity.status', '=', 'active')
    .where('activity.is_template', '=', 0)
    .where((eb) => {
      const mine = eb.and([eb('activity_step.assignee_kind', '=', 'user'), eb('activity_step.assignee_id', '=', actor.userId)]);
      return memberOf.length ? eb.or([mine, eb.and([eb('activity_step.assignee_kind', '=', 'group'), eb('activity_step.community_id', 'in', memberOf)])]) : mine;
    })
    .orderBy(sql`activity_step.due_date is null`)
    .orderBy('activity_step.due_date')
    .orderBy('activity.title')
    .orderBy('activity_step.position')
    .limit(500)
    .execute()) as (StepJoined & { activity_title: string; community_slug: string; community_name: string })[];
  const member = new Set(memberOf);
  return rows
    .filter((r) => readable.has(r.community_id))
    .map((r) => ({
      ...stepView(r, actor.userId, member.has(r.community_id)),
      activityTitle: r.activity_title,
      communityId: r.community_id,
      communitySlug: r.community_slug,
      communityName: r.community_name,
    }));
}

/** Updates posted on an activity and its steps, oldest first, by keyset (created_at, id), each with its author and file. */
export async function updatePage(db: Kysely<Database>, activityId: string, q: { limit: number; cursor?: Keyset }) {
  let query = db
    .selectFrom('activity_update')
    .$call((q) => joinUserAgency(q, 'activity_update.author_id'))
    .leftJoin('attachment', 'attachment.id', 'activity_update.attachment_id')
    .selectAll('activity_update')
    .select(['user.name as author_name', 'agency.name as agency_name', 'attachment.filename', 'attachment.content_type', 'attachment.size'])
    .where('activity_update.activity_id', '=', activityId);
  if (q.cursor) {
    const { c: at, i } = q.cursor;
    query = query.where((eb) => eb(eb.refTuple('activity_update.created_at', 'activity_update.id'), '>', eb.tuple(at, i)));
  }
  const rows = await query.orderBy('activity_update.created_at').orderBy('activity_update.id').limit(q.limit + 1).execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id,
      activityId: r.activity_id,
      stepId: r.step_id,
      body: r.body,
      author: { id: r.author_id, name: r.author_name, agency: r.agency_name ?? null },
      attachment:
        r.attachment_id && r.filename && r.content_type ? { id: r.attachment_id, filename: r.filename, contentType: r.content_type, size: Number(r.size), url: `/api/v1/files/${r.attachment_id}` } : null,
      createdAt: r.created_at,
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}
