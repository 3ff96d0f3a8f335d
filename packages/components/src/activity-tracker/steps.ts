import type { ApiError } from '../api/client.js';
import type { Activity, ActivityStep, AssigneeInput, StepMove } from '../api/schemas.js';

export type { StepChange } from '../shared/step-completion.js';

/** One run of steps: those outside any section (id null, first), or one section's. */
export interface StepGroup {
  id: string | null;
  title: string | null;
  steps: ActivityStep[];
}

export const NEW_STEP = { title: 'jc-new-step-title', sectionId: 'jc-new-step-section', assignee: 'jc-new-step-assignee', dueDate: 'jc-new-step-due' } as const;
export const NEW_SECTION = 'jc-new-section-title';
export const UPDATE_BODY = 'jc-update-body';
export const UPDATE_STEP = 'jc-update-step';

/** A form's state: sending, and why the server (or the form) refused it. */
export interface FormState {
  busy: boolean;
  error: ApiError | null;
}

/** The add-step, add-section and update forms. */
export interface Forms {
  step: FormState;
  section: FormState;
  update: FormState;
}

export const newForms = (): Forms => ({ step: { busy: false, error: null }, section: { busy: false, error: null }, update: { busy: false, error: null } });

/** The add-step form's error for one field (the server may name a nested one, `assignee.id`). */
export function stepFieldError(error: ApiError | null, field: keyof typeof NEW_STEP): string | undefined {
  const fields = error?.fields ?? {};
  return fields[field] ?? Object.entries(fields).find(([k]) => k.startsWith(`${field}.`))?.[1];
}

/** The steps in groups, in display order: those outside any section first, then each section's. */
export function stepGroups(activity: Pick<Activity, 'sections' | 'steps'>): StepGroup[] {
  const groups: StepGroup[] = [{ id: null, title: null, steps: [] }, ...activity.sections.map((s) => ({ id: s.id, title: s.title, steps: [] as ActivityStep[] }))];
  for (const step of activity.steps) (groups.find((g) => g.id === step.sectionId) ?? groups[0]!).steps.push(step);
  return groups;
}

/**
 * Where a step goes when moved one place up (`-1`) or down (`+1`): within its
 * section, or past the section's edge into the end of the one above (or the
 * start of the one below). Null at the very top or bottom.
 */
export function moveTarget(activity: Pick<Activity, 'sections' | 'steps'>, stepId: string, delta: -1 | 1): StepMove | null {
  const groups = stepGroups(activity);
  const g = groups.findIndex((group) => group.steps.some((s) => s.id === stepId));
  if (g < 0) return null;
  const i = groups[g]!.steps.findIndex((s) => s.id === stepId);
  const inGroup = groups[g]!.steps.length;
  if (delta < 0 && i > 0) return { index: i - 1 };
  if (delta > 0 && i < inGroup - 1) return { index: i + 1 };
  const next = groups[g + delta];
  if (!next) return null;
  return { index: delta < 0 ? next.steps.length : 0, sectionId: next.id };
}

export const assigneeValue = (step: Pick<ActivityStep, 'assignee'>): string =>
  step.assignee === null ? '' : step.assignee.kind === 'group' ? 'group' : `user:${step.assignee.id}`;

export const assigneeInput = (value: string): AssigneeInput =>
  value === 'group' ? { kind: 'group' } : value.startsWith('user:') ? { kind: 'user', id: value.slice(5) } : null;
