import type { Kysely, Selectable } from 'kysely';
import type { AnnouncementTable, Database } from '../db/schema.ts';
import { ApiError } from '../http/errors.ts';

/* The announcements' reads and writes beyond a plain row: their audience as the API names it (agencies by ORI). */

type Db = Kysely<Database>;
type Row = Selectable<AnnouncementTable>;

/** An audience as the API takes it (schemas.ts Audience). */
export type AudienceInput = { kind: 'everyone' } | { kind: 'agencies'; agencies: string[] } | { kind: 'roles'; roles: string[] };

/** Announcements as the API answers them: an agency audience named by ORI. */
export async function shape(db: Db, rows: Row[]) {
  const agencyIds = [...new Set(rows.filter((r) => r.audience_kind === 'agencies').flatMap((r) => JSON.parse(r.audience) as string[]))];
  const agencies = agencyIds.length ? await db.selectFrom('agency').select(['id', 'ori']).where('id', 'in', agencyIds).execute() : [];
  const ori = new Map(agencies.map((a) => [a.id, a.ori]));
  return rows.map((r) => {
    const list = JSON.parse(r.audience) as string[];
    const audience =
      r.audience_kind === 'agencies'
        ? { kind: 'agencies' as const, agencies: list.map((id) => ori.get(id) ?? id) }
        : r.audience_kind === 'roles'
          ? { kind: 'roles' as const, roles: list }
          : { kind: 'everyone' as const };
    return { id: r.id, severity: r.severity, title: r.title, body: r.body, startsAt: r.starts_at, endsAt: r.ends_at, dismissible: r.severity !== 'emergency', audience };
  });
}

/** The columns an audience is stored in (agencies by id), or a 422 naming an unknown ORI. */
export async function audienceColumns(db: Db, audience: AudienceInput) {
  if (audience.kind === 'everyone') return { audience_kind: 'everyone' as const, audience: '[]' };
  if (audience.kind === 'roles') return { audience_kind: 'roles' as const, audience: JSON.stringify(audience.roles) };
  const found = await db.selectFrom('agency').select(['id', 'ori']).where('ori', 'in', audience.agencies).execute();
  const unknown = audience.agencies.findIndex((o) => !found.some((a) => a.ori === o));
  if (unknown >= 0) throw new ApiError(422, 'UNKNOWN_AGENCY', 'Name agencies by their ORI.', { [`audience.agencies.${unknown}`]: 'No agency has this ORI' });
  return { audience_kind: 'agencies' as const, audience: JSON.stringify(found.map((a) => a.id)) };
}
