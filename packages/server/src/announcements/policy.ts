import { ALLOW, conflict, type Actor, type Decision } from '../authz.ts';
import type { Selectable } from 'kysely';
import type { AnnouncementTable, Severity } from '../db/schema.ts';

/*
 * The announcements' rules: pure functions of the reader and the
 * announcement (who it is for, what may be dismissed, which shows first),
 * beside the portal's account gates (authz.ts portalGate, administerPortal).
 */

type Row = Selectable<AnnouncementTable>;

/** Most severe first. */
export const SEVERITIES = ['emergency', 'error', 'warning', 'information', 'success'] as const satisfies readonly Severity[];
const rank = new Map<string, number>(SEVERITIES.map((s, i) => [s, i]));

/** Is the reader in the announcement's audience? Everyone's: anyone, signed in or not; an agency's or a role's: a signed-in reader of that agency or in that role. */
export function inAudience(r: Row, actor: Actor | null): boolean {
  if (r.audience_kind === 'everyone') return true;
  if (!actor) return false;
  const list = JSON.parse(r.audience) as string[];
  if (r.audience_kind === 'agencies') return actor.agencyId !== null && list.includes(actor.agencyId);
  return (list.includes('site-admin') && actor.siteAdmin) || (list.includes('agency-admin') && actor.agencyAdmin);
}

/** What shows now for a reader, most severe first: those meant for them, less those they dismissed (never an emergency). */
export function shownTo(rows: Row[], actor: Actor | null, dismissed: Set<string>): Row[] {
  return rows
    .filter((r) => inAudience(r, actor) && (r.severity === 'emergency' || !dismissed.has(r.id)))
    .sort((a, b) => rank.get(a.severity)! - rank.get(b.severity)!);
}

/** Dismiss an announcement: any but an emergency. */
export function dismissAnnouncement(announcement: Pick<Row, 'severity'>): Decision {
  return announcement.severity === 'emergency' ? conflict('NOT_DISMISSIBLE', 'Emergency announcements stay until they end.') : ALLOW;
}
