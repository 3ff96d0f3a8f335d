import { z } from '@hono/zod-openapi';
import { CursorParam } from '../http/cursor.ts';
import { CommunityRef, communityRoutes, jsonBody, jsonContent, IdParam as Id } from '../http/openapi.ts';

/* The activities' API contract (their sections, steps and updates, and my to-dos): what each route takes and answers (zod, and OpenAPI from it). */

const Person = z.object({ id: z.string(), name: z.string() });
const Assignee = z.union([z.object({ kind: z.literal('user'), id: z.string(), name: z.string() }), z.object({ kind: z.literal('group') })]).nullable();
const StepFields = {
  id: z.string(),
  activityId: z.string(),
  sectionId: z.string().nullable(),
  title: z.string(),
  notes: z.string(),
  assignee: Assignee,
  dueDate: z.string().nullable().openapi({ description: 'A calendar date, YYYY-MM-DD' }),
  done: z.boolean(),
  doneBy: Person.nullable(),
  doneAt: z.string().nullable(),
  position: z.number(),
  assignedToMe: z.boolean(),
};
const StepSchema = z.object(StepFields).openapi('ActivityStep');
const SummaryFields = {
  id: z.string(),
  communityId: z.string(),
  communitySlug: z.string(),
  communityName: z.string(),
  title: z.string(),
  goal: z.string(),
  owner: Person,
  dueDate: z.string().nullable(),
  status: z.enum(['active', 'completed', 'cancelled']),
  template: z.boolean(),
  progress: z.object({ done: z.number(), total: z.number() }),
  updatedAt: z.string(),
  version: z.number().openapi({ description: 'Counts every change to the activity and its steps' }),
};
const SummarySchema = z.object(SummaryFields).openapi('ActivitySummary');
const ActivitySchema = z
  .object({
    ...SummaryFields,
    sections: z.array(z.object({ id: z.string(), title: z.string(), position: z.number() })),
    steps: z.array(StepSchema),
    canEdit: z.boolean(),
    canChangeSteps: z.boolean(),
  })
  .openapi('Activity');
const UpdateSchema = z
  .object({
    id: z.string(),
    activityId: z.string(),
    stepId: z.string().nullable(),
    body: z.string(),
    author: z.object({ id: z.string(), name: z.string(), agency: z.string().nullable() }),
    attachment: z.object({ id: z.string(), filename: z.string(), contentType: z.string(), size: z.number(), url: z.string() }).nullable(),
    createdAt: z.string(),
  })
  .openapi('ActivityUpdate');
const TodoSchema = z.object({ ...StepFields, activityTitle: z.string(), communityId: z.string(), communitySlug: z.string(), communityName: z.string() }).openapi('Todo');

const DateOnly = z.iso.date('A date as YYYY-MM-DD');
const Title = z.string().trim().min(1, 'Give it a title').max(200);
const AssigneeInput = z
  .union([z.strictObject({ kind: z.literal('user'), id: z.string().min(1).max(100) }), z.strictObject({ kind: z.literal('group') })])
  .nullable()
  .openapi({ description: 'A member ({kind:"user", id}), the whole group ({kind:"group"}), or no one (null)' });
const NewStepSchema = z.strictObject({
  title: Title,
  notes: z.string().trim().max(5000).optional(),
  sectionId: z.string().min(1).max(100).nullable().optional(),
  assignee: AssigneeInput.optional(),
  dueDate: DateOnly.nullable().optional(),
});
const NewActivity = z
  .strictObject({
    title: Title,
    goal: z.string().trim().max(5000).optional(),
    dueDate: DateOnly.nullable().optional(),
    templateId: z.string().min(1).max(100).optional().openapi({ description: 'Start from this template activity (its sections and steps)' }),
    template: z.boolean().default(false).openapi({ description: 'Make a template (moderators)' }),
    steps: z.array(NewStepSchema.omit({ sectionId: true })).max(200).optional(),
  })
  .refine((a) => !(a.templateId && a.steps), { message: 'Give steps or a template, not both', path: ['steps'] })
  .openapi('NewActivity');
const ActivityPatch = z
  .strictObject({ title: Title.optional(), goal: z.string().trim().max(5000).optional(), dueDate: DateOnly.nullable().optional(), status: z.enum(['active', 'completed', 'cancelled']).optional() })
  .openapi('ActivityPatch');
const StepPatch = NewStepSchema.partial().omit({ sectionId: true }).openapi('StepPatch');
const Move = z
  .strictObject({
    index: z.number().int().min(0).max(10_000).openapi({ description: 'The step’s new place among its section’s steps, from 0' }),
    sectionId: z.string().min(1).max(100).nullable().optional().openapi({ description: 'Move into this section (null: outside any section); unchanged if left out' }),
  })
  .openapi('StepMove');
const NewUpdate = z
  .strictObject({ body: z.string().trim().min(1, 'Write something').max(20000), stepId: z.string().min(1).max(100).optional(), attachmentId: z.string().min(1).max(100).optional() })
  .openapi('NewActivityUpdate');

const Ref = CommunityRef;
const route = communityRoutes(['activities']);

export const routes = {
  list: route({
    method: 'get',
    path: '/communities/{ref}/activities',
    summary: 'A community’s activities (or its templates), most recently changed first',
    request: { params: Ref, query: z.strictObject({ templates: z.enum(['true', 'false']).default('false'), status: z.enum(['active', 'completed', 'cancelled']).optional() }) },
    responses: { 200: jsonContent(z.object({ items: z.array(SummarySchema) }), 'Activities') },
  }),
  create: route({ method: 'post', path: '/communities/{ref}/activities', summary: 'Start an activity, from scratch or from a template (members)', request: { params: Ref, ...jsonBody(NewActivity) }, responses: { 201: jsonContent(ActivitySchema, 'Created') } }),
  get: route({ method: 'get', path: '/activities/{id}', summary: 'An activity with its sections and steps in order', request: { params: Id }, responses: { 200: jsonContent(ActivitySchema, 'The activity') } }),
  patch: route({ method: 'patch', path: '/activities/{id}', summary: 'Change the activity (its owner or a moderator)', request: { params: Id, ...jsonBody(ActivityPatch) }, responses: { 200: jsonContent(ActivitySchema, 'Changed') } }),
  section: route({ method: 'post', path: '/activities/{id}/sections', summary: 'Add a section (members)', request: { params: Id, ...jsonBody(z.strictObject({ title: Title })) }, responses: { 201: jsonContent(ActivitySchema, 'Added') } }),
  addStep: route({ method: 'post', path: '/activities/{id}/steps', summary: 'Add a step at the end of its section (members)', request: { params: Id, ...jsonBody(NewStepSchema) }, responses: { 201: jsonContent(ActivitySchema, 'Added') } }),
  editStep: route({ method: 'patch', path: '/steps/{id}', summary: 'Change a step: title, notes, assignee, due date (members)', request: { params: Id, ...jsonBody(StepPatch) }, responses: { 200: jsonContent(ActivitySchema, 'Changed') } }),
  done: route({ method: 'put', path: '/steps/{id}/done', summary: 'Check a step off (members)', request: { params: Id }, responses: { 200: jsonContent(ActivitySchema, 'Done') } }),
  undone: route({ method: 'delete', path: '/steps/{id}/done', summary: 'Uncheck a step (members)', request: { params: Id }, responses: { 200: jsonContent(ActivitySchema, 'Not done') } }),
  move: route({ method: 'post', path: '/steps/{id}/move', summary: 'Move a step within the order (members)', request: { params: Id, ...jsonBody(Move) }, responses: { 200: jsonContent(ActivitySchema, 'Moved') } }),
  deleteStep: route({ method: 'delete', path: '/steps/{id}', summary: 'Remove a step (members)', request: { params: Id }, responses: { 200: jsonContent(ActivitySchema, 'Removed') } }),
  updates: route({
    method: 'get',
    path: '/activities/{id}/updates',
    summary: 'Updates posted on the activity and its steps, oldest first',
    request: { params: Id, query: z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(50), cursor: CursorParam.optional() }) },
    responses: { 200: jsonContent(z.object({ items: z.array(UpdateSchema), nextCursor: z.string().nullable() }), 'A page') },
  }),
  postUpdate: route({ method: 'post', path: '/activities/{id}/updates', summary: 'Post an update on the activity or one of its steps (members)', request: { params: Id, ...jsonBody(NewUpdate) }, responses: { 201: jsonContent(UpdateSchema, 'Posted') } }),
  todos: route({ method: 'get', path: '/me/todos', summary: 'My open steps across my communities: assigned to me or to a whole group I am in, soonest due first', responses: { 200: jsonContent(z.object({ items: z.array(TodoSchema) }), 'To-dos') } }),
};
