import type { Kysely } from 'kysely';

/**
 * A community id has this shape (communities/routes.ts makes them with
 * `randomUUID()`), and no slug ever does: the slug schema refuses it, and the
 * 0011 migration renamed any older one. So a request's community `{ref}`
 * names a community by id or by slug, never both (authz.ts `resolveCommunityRef`).
 */
export const COMMUNITY_ID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const hasIdShape = (value: string): boolean => COMMUNITY_ID_SHAPE.test(value);

/**
 * Gives every community whose slug has an id's shape, or is another
 * community's id, a new slug (`c-` and the old one, then -2, -3, … if taken).
 * Slugs were once only compared with other slugs, so one could be made to
 * stand for another community's id (security review, finding 1).
 */
export async function renameIdShapedSlugs(db: Kysely<any>): Promise<void> {
  const rows = (await db.selectFrom('community').select(['id', 'slug']).execute()) as { id: string; slug: string }[];
  const ids = new Set(rows.map((r) => r.id));
  const used = new Set([...rows.map((r) => r.slug), ...ids]);
  for (const r of rows) {
    if (!hasIdShape(r.slug) && (!ids.has(r.slug) || r.slug === r.id)) continue;
    const base = `c-${r.slug.toLowerCase()}`.slice(0, 56).replace(/-+$/, '');
    let slug = base;
    for (let n = 2; used.has(slug); n++) slug = `${base}-${n}`;
    used.add(slug);
    await db.updateTable('community').set({ slug }).where('id', '=', r.id).execute();
  }
}

/** A sortable unique id: time first, so ids of one millisecond still differ. */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36).padStart(9, '0')}${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;
}
