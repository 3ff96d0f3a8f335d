import type { LitElement } from 'lit';
import type { activityEndpoints } from '../api/activities.js';
import type { ApiError } from '../api/client.js';
import type { ClientWith } from '../api/transport.js';
import type { Activity, ActivityUpdate, Member } from '../api/schemas.js';
import type { Reorder } from '../kernel/controllers/reorder.js';
import type { StepCompletion } from '../shared/step-completion.js';
import type { StepEditor } from './step-editor.js';
import type { Forms, StepChange } from './steps.js';

/**
 * What the tracker element lends the templates, the update log and the lazily
 * loaded step editor of this folder: its state and the few things they do
 * through it (its private members stay private).
 */
export interface TrackerPort {
  readonly host: LitElement;
  readonly forms: Forms;
  /** Checking steps off, with Undo. */
  readonly done: StepCompletion;
  /** Moving steps by keyboard. */
  readonly reorder: Reorder;
  /** Steps with an assignment, due date or move on its way. */
  readonly busy: Set<string>;
  /** Why a change to a step (other than checking it off) failed. */
  readonly errors: Map<string, string>;
  api(): ClientWith<[typeof activityEndpoints]>;
  /** The activity shown (undefined before it loads). */
  view(): Activity | null | undefined;
  members(): Member[];
  mineOnly(): boolean;
  now(): number;
  /** Takes an answer of the server's as the activity shown, unless it is older than what is shown. */
  accept(next: Activity): void;
  /** Fires `jc-step-changed` (when `stepId` is a step of `activity`) and `jc-activity-changed`. */
  changed(stepId: string | null, change: StepChange, activity: Activity): void;
  /** A failed request, as an ApiError: a lapsed session is checked again; a refusal reads the activity again. */
  failed(err: unknown): ApiError;
  say(text: string): void;
  /** The user's own update, posted: shown last when every earlier one is (answers whether it is). */
  posted(update: ActivityUpdate): boolean;
  /** Focuses what `selector` finds after the next render. */
  focus(selector: string): void;
  /** The step editor: adding steps and sections, posting updates, assigning, dating and moving steps. */
  edit(): StepEditor;
}
