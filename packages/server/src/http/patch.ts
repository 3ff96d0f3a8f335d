/**
 * The columns a PATCH body changes: each field it sent (null included; a field
 * left out is `undefined`) under its column's name, so a concurrent change to
 * the others is kept. Fields that need converting are spread on their own.
 *
 *     .set({ ...sentColumns(patch, { title: 'title', dueDate: 'due_date' }), updated_at: now(trx) })
 */
export function sentColumns<B extends object, const M extends { [K in keyof B]?: string }>(
  body: B,
  columns: M,
): { [K in keyof M & keyof B as M[K] & string]?: Exclude<B[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(columns) as [keyof B, string][]) {
    if (body[field] !== undefined) out[column] = body[field];
  }
  return out as never;
}
