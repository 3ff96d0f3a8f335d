import * as z from 'zod/mini';
import { AttachmentSchema, PersonSchema } from './base-schemas.js';

/* Activities, their steps and updates, and my to-dos (packages/server/src/activities/). */

/** Who owns an activity or checked a step off. */
export const PersonRefSchema = z.object({ id: z.string(), name: z.string() });
export type PersonRef = z.infer<typeof PersonRefSchema>;

/** Who a step is for: one member, the whole group (every member of the community), or nobody (null). */
export const AssigneeSchema = z.nullable(
  z.union([z.object({ kind: z.literal('user'), id: z.string(), name: z.string() }), z.object({ kind: z.literal('group') })]),
);
export type Assignee = z.infer<typeof AssigneeSchema>;

/** An assignee as a write sends it: a member by id, the whole group, or nobody (null). */
export type AssigneeInput = { kind: 'user'; id: string } | { kind: 'group' } | null;

export const ACTIVITY_STATUSES = ['active', 'completed', 'cancelled'] as const;
export const ActivityStatusSchema = z.enum(ACTIVITY_STATUSES);
export type ActivityStatus = z.infer<typeof ActivityStatusSchema>;

const stepFields = {
  id: z.string(),
  activityId: z.string(),
  /** Null: outside any section (such steps come first). */
  sectionId: z.nullable(z.string()),
  title: z.string(),
  notes: z.string(),
  assignee: AssigneeSchema,
  /** A calendar date, `YYYY-MM-DD` (no time, no zone). */
  dueDate: z.nullable(z.string()),
  done: z.boolean(),
  doneBy: z.nullable(PersonRefSchema),
  doneAt: z.nullable(z.string()),
  position: z.number(),
  /** Assigned to the signed-in user, or to the whole group of a community they are a member of. */
  assignedToMe: z.boolean(),
};

export const ActivityStepSchema = z.object(stepFields);
export type ActivityStep = z.infer<typeof ActivityStepSchema>;

const summaryFields = {
  id: z.string(),
  communityId: z.string(),
  communitySlug: z.string(),
  communityName: z.string(),
  title: z.string(),
  goal: z.string(),
  owner: PersonRefSchema,
  dueDate: z.nullable(z.string()),
  status: ActivityStatusSchema,
  template: z.boolean(),
  progress: z.object({ done: z.number(), total: z.number() }),
  updatedAt: z.string(),
  /** Counts every change to the activity and its steps: a live event with a version at most this one is already shown. */
  version: z.number(),
};

export const ActivitySummarySchema = z.object(summaryFields);
export type ActivitySummary = z.infer<typeof ActivitySummarySchema>;
export const ActivitySummaryListSchema = z.object({ items: z.array(ActivitySummarySchema) });

export const ActivitySectionSchema = z.object({ id: z.string(), title: z.string(), position: z.number() });
export type ActivitySection = z.infer<typeof ActivitySectionSchema>;

export const ActivitySchema = z.object({
  ...summaryFields,
  sections: z.array(ActivitySectionSchema),
  /** In display order: steps outside any section first, then each section's steps in section order. */
  steps: z.array(ActivityStepSchema),
  /** May change the activity itself (title, goal, due date, status): its owner or a moderator. */
  canEdit: z.boolean(),
  /** May add, assign, check off and reorder steps and post updates: members. */
  canChangeSteps: z.boolean(),
});
export type Activity = z.infer<typeof ActivitySchema>;

export const ActivityUpdateSchema = z.object({
  id: z.string(),
  activityId: z.string(),
  /** The step it is about, if any. */
  stepId: z.nullable(z.string()),
  /** Markdown, as the author wrote it: render it only through the sanitizer. */
  body: z.string(),
  author: PersonSchema,
  attachment: z.nullable(AttachmentSchema),
  createdAt: z.string(),
});
export type ActivityUpdate = z.infer<typeof ActivityUpdateSchema>;

export const ActivityUpdatePageSchema = z.object({ items: z.array(ActivityUpdateSchema), nextCursor: z.nullable(z.string()) });
export type ActivityUpdatePage = z.infer<typeof ActivityUpdatePageSchema>;

/** One of my open steps, with where it belongs. */
export const TodoSchema = z.object({
  ...stepFields,
  activityTitle: z.string(),
  communityId: z.string(),
  communitySlug: z.string(),
  communityName: z.string(),
});
export type Todo = z.infer<typeof TodoSchema>;
export const TodoListSchema = z.object({ items: z.array(TodoSchema) });

export interface ActivityListQuery {
  /** The community's templates instead of its activities. */
  templates?: boolean;
  status?: ActivityStatus;
}

export interface StepCreate {
  /** 1–200 characters. */
  title: string;
  notes?: string;
  /** Null or left out: outside any section. */
  sectionId?: string | null;
  assignee?: AssigneeInput;
  /** `YYYY-MM-DD`. */
  dueDate?: string | null;
}

export interface ActivityCreate {
  title: string;
  goal?: string;
  dueDate?: string | null;
  /** Start from this template (its sections and steps); not with `steps`. */
  templateId?: string;
  /** Make a template (owners and moderators). */
  template?: boolean;
  steps?: Omit<StepCreate, 'sectionId'>[];
}

export interface ActivityPatch {
  title?: string;
  goal?: string;
  dueDate?: string | null;
  status?: ActivityStatus;
}

export type StepPatch = Omit<Partial<StepCreate>, 'sectionId'>;

export interface StepMove {
  /** The step's new place among its section's steps, from 0 (past the end: last). */
  index: number;
  /** Move into this section (null: outside any section); left out: the step's own. */
  sectionId?: string | null;
}

export interface ActivityUpdateListQuery {
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** 1–100 (the server's default is 50). */
  limit?: number;
}

export interface ActivityUpdateCreate {
  /** Markdown, 1–20,000 characters. */
  body: string;
  /** About this step of the activity. */
  stepId?: string;
  /** A file uploaded first with `uploadFile` to the activity's community. */
  attachmentId?: string;
}
