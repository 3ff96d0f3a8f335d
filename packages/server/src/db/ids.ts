/**
 * A community id has this shape (routes/communities.ts makes them with
 * `randomUUID()`), and no slug ever does: the slug schema refuses it, and the
 * 0011 migration renamed any older one. So a request's community `{ref}`
 * names a community by id or by slug, never both (authz.ts `resolveCommunityRef`).
 */
export const COMMUNITY_ID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const hasIdShape = (value: string): boolean => COMMUNITY_ID_SHAPE.test(value);
