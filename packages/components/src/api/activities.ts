/* Activities, their steps and updates, and my to-dos (packages/server/src/activities/). */

import { call, type ApiTransport } from './transport.js';
import { activity, community, queryString, step } from './paths.js';
import {
  ActivitySchema,
  ActivitySummaryListSchema,
  ActivityUpdatePageSchema,
  ActivityUpdateSchema,
  TodoListSchema,
  type Activity,
  type ActivityCreate,
  type ActivityListQuery,
  type ActivityPatch,
  type ActivitySummary,
  type ActivityUpdate,
  type ActivityUpdateCreate,
  type ActivityUpdateListQuery,
  type ActivityUpdatePage,
  type StepCreate,
  type StepMove,
  type StepPatch,
  type Todo,
} from './activity-schemas.js';

export const activityEndpoints = {
  /** A community's activities (or, with `templates`, its templates), most recently changed first. */
  async listActivities(this: ApiTransport, ref: string, query: ActivityListQuery = {}): Promise<ActivitySummary[]> {
    const qs = queryString({ templates: query.templates, status: query.status });
    return (await call(this, `${community(ref)}/activities${qs}`, ActivitySummaryListSchema)).items;
  },

  /** Starts an activity, from scratch (with `steps`) or from a template (members). */
  async createActivity(this: ApiTransport, ref: string, body: ActivityCreate): Promise<Activity> {
    return call(this, `${community(ref)}/activities`, ActivitySchema, 'POST', body);
  },

  /** One activity with its sections and steps in display order; 404 where its community may not be read. */
  async getActivity(this: ApiTransport, id: string): Promise<Activity> {
    return call(this, activity(id), ActivitySchema);
  },

  /** Changes the activity's title, goal, due date or status (its owner or a moderator). */
  async updateActivity(this: ApiTransport, id: string, patch: ActivityPatch): Promise<Activity> {
    return call(this, activity(id), ActivitySchema, 'PATCH', patch);
  },

  /** Adds a section at the end (members); answers the whole activity. */
  async addSection(this: ApiTransport, id: string, title: string): Promise<Activity> {
    return call(this, `${activity(id)}/sections`, ActivitySchema, 'POST', { title });
  },

  /** Adds a step at the end of its section (members); answers the whole activity. */
  async addStep(this: ApiTransport, activityId: string, body: StepCreate): Promise<Activity> {
    return call(this, `${activity(activityId)}/steps`, ActivitySchema, 'POST', body);
  },

  /** Changes a step's title, notes, assignee or due date (members; 422 NOT_A_MEMBER for an assignee who is not one). */
  async updateStep(this: ApiTransport, stepId: string, patch: StepPatch): Promise<Activity> {
    return call(this, step(stepId), ActivitySchema, 'PATCH', patch);
  },

  /** Checks a step off (`done`) or unchecks it (members); who and when are the server's. */
  async setStepDone(this: ApiTransport, stepId: string, done: boolean): Promise<Activity> {
    return call(this, `${step(stepId)}/done`, ActivitySchema, done ? 'PUT' : 'DELETE');
  },

  /** Moves a step to `index` among its section's steps (or into another section) (members). */
  async moveStep(this: ApiTransport, stepId: string, move: StepMove): Promise<Activity> {
    return call(this, `${step(stepId)}/move`, ActivitySchema, 'POST', move);
  },

  /** Removes a step (members); answers the whole activity. */
  async deleteStep(this: ApiTransport, stepId: string): Promise<Activity> {
    return call(this, step(stepId), ActivitySchema, 'DELETE');
  },

  /** A page of the updates posted on an activity, oldest first. */
  async listActivityUpdates(this: ApiTransport, id: string, query: ActivityUpdateListQuery = {}): Promise<ActivityUpdatePage> {
    const qs = queryString({ cursor: query.cursor, limit: query.limit });
    return call(this, `${activity(id)}/updates${qs}`, ActivityUpdatePageSchema);
  },

  /** Posts an update on the activity, or about one of its steps (members). */
  async postActivityUpdate(this: ApiTransport, id: string, body: ActivityUpdateCreate): Promise<ActivityUpdate> {
    return call(this, `${activity(id)}/updates`, ActivityUpdateSchema, 'POST', body);
  },

  /** The signed-in user's open steps across their communities: theirs and their groups', soonest due first, undated last. */
  async myTodos(this: ApiTransport): Promise<Todo[]> {
    return (await call(this, '/api/v1/me/todos', TodoListSchema)).items;
  },
};
