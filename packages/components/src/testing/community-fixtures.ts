import type { Community, CommunitySettings, Me, Member, Membership, Role, Visibility } from '../api/schemas.js';
import { fail, json, noFixture, notFound } from './fixture-http.js';

/**
 * Recorded answers of the JusticeConnect API, so Storybook previews every
 * widget state offline. Shapes are the server's (`GET /api/v1/me`,
 * `GET /api/v1/communities` etc.).
 */
export const fixtureUsers = {
  optedIn: {
    id: 'usr_dana',
    name: 'Sgt. Dana Reyes',
    email: 'dana.reyes@txdps.demo.test',
    status: 'active',
    title: 'Sergeant, Highway Patrol',
    mobile: null,
    agency: { id: 'agy_txdps', name: 'Texas Department of Public Safety (demo)', ori: 'TXDPS0000' },
    optedIn: true,
    optedInAt: '2026-11-02T15:04:05.000Z',
  },
  notOptedIn: {
    id: 'usr_lena',
    name: 'Ofc. Lena Ortiz',
    email: 'lena.ortiz@laredo.demo.test',
    status: 'active',
    title: 'Patrol Officer',
    mobile: null,
    agency: { id: 'agy_laredo', name: 'Laredo Police Department (demo)', ori: 'TX2400200' },
    optedIn: false,
    optedInAt: null,
  },
  /** Owns the moderated Gang Intelligence Exchange, which has requests to join waiting. */
  owner: {
    id: 'usr_marcus',
    name: 'Det. Marcus Hill',
    email: 'marcus.hill@hayscounty.demo.test',
    status: 'active',
    title: 'Narcotics Detective',
    mobile: null,
    agency: { id: 'agy_hays', name: 'Hays County Sheriff’s Office (demo)', ori: 'TX1050000' },
    optedIn: true,
    optedInAt: '2026-10-14T09:30:00.000Z',
  },
  /** Waiting for the agency administrator's approval. */
  pending: {
    id: 'usr_pat',
    name: 'Dep. Pat Nguyen',
    email: 'pat.nguyen@hayscounty.demo.test',
    status: 'pending',
    title: 'Deputy',
    mobile: null,
    agency: { id: 'agy_hays', name: 'Hays County Sheriff’s Office (demo)', ori: 'TX1050000' },
    optedIn: true,
    optedInAt: '2026-11-20T10:00:00.000Z',
  },
} satisfies Record<string, Me>;

/** Everyone a fixture member list can name (user id → name and agency). */
export const fixturePeople: Record<string, { name: string; agency: string | null }> = {
  usr_dana: { name: 'Sgt. Dana Reyes', agency: 'Texas Department of Public Safety (demo)' },
  usr_marcus: { name: 'Det. Marcus Hill', agency: 'Hays County Sheriff’s Office (demo)' },
  usr_ray: { name: 'Tpr. Ray Whitehorse', agency: 'Oklahoma Highway Patrol (demo)' },
  usr_lena: { name: 'Ofc. Lena Ortiz', agency: 'Laredo Police Department (demo)' },
  usr_pat: { name: 'Dep. Pat Nguyen', agency: 'Hays County Sheriff’s Office (demo)' },
  usr_jo: { name: 'Inv. Jo Alvarez', agency: 'Laredo Police Department (demo)' },
  usr_sam: { name: 'Analyst Sam Birch', agency: 'Oklahoma Highway Patrol (demo)' },
};

/** A community as the fixture server keeps it: the server's view, with every membership by user id. */
export interface FixtureCommunity extends Omit<Community, 'path' | 'memberCount' | 'membership'> {
  members: Record<string, Membership & { since: string }>;
}

const taskForceSettings: CommunitySettings = {
  descriptionTemplate: 'A multi-agency task force. Purpose, area of operations and points of contact:',
  forums: [
    { name: 'Intelligence sharing', description: 'Trends, seizures and persons of interest along the corridor' },
    { name: 'Operations', description: 'Patrol schedules and joint operations' },
  ],
  activityTemplates: [
    { title: 'Peak trafficking times on the I-35 corridor', steps: ['Develop a patrol schedule', 'Communicate the schedule to members', 'Plan a time to assess the result'] },
  ],
};

export function community(
  slug: string,
  name: string,
  visibility: Visibility,
  updatedAt: string,
  members: Record<string, [Role, Membership['state']]>,
  extra: Partial<FixtureCommunity> = {},
): FixtureCommunity {
  return {
    id: `com_${slug}`,
    slug,
    name,
    description: '',
    bannerUrl: null,
    tags: [],
    visibility,
    parentId: null,
    settings: {},
    archived: false,
    createdAt: updatedAt,
    updatedAt,
    members: Object.fromEntries(Object.entries(members).map(([id, [role, state]]) => [id, { role, state, since: updatedAt }])),
    ...extra,
  };
}

/** The demo communities (like the server's seed, plus an invitation and a request for Dana), newest first. */
export function fixtureCommunities(): FixtureCommunity[] {
  return [
    community('border-analysts', 'Southwest Border Analysts', 'moderated', '2026-12-01T16:00:00.000Z', { usr_sam: ['owner', 'active'], usr_dana: ['member', 'requested'] }),
    community('i-35-laredo-working-group', 'Laredo Port of Entry Working Group', 'restricted', '2026-11-30T12:00:00.000Z', { usr_dana: ['owner', 'active'], usr_ray: ['member', 'active'] }, { parentId: 'com_i-35-corridor-task-force', description: 'The task force’s southern working group: northbound traffic from the Laredo ports of entry.' }),
    community('i-35-corridor-task-force', 'I-35 Corridor Drug Trafficking Task Force', 'restricted', '2026-11-29T12:00:00.000Z', { usr_dana: ['owner', 'active'], usr_marcus: ['moderator', 'active'], usr_ray: ['member', 'active'] }, { settings: taskForceSettings, tags: ['task force', 'narcotics', 'I-35'] }),
    community('oklahoma-fusion-liaison', 'Oklahoma Fusion Center Liaison', 'restricted', '2026-11-25T08:00:00.000Z', { usr_ray: ['owner', 'active'], usr_dana: ['member', 'invited'] }),
    community('highway-interdiction', 'Texas Highway Interdiction', 'public', '2026-11-20T12:00:00.000Z', { usr_dana: ['owner', 'active'], usr_ray: ['member', 'active'] }, { description: 'Open to every opted-in officer: interdiction training, case law and techniques.' }),
    community('gang-intelligence-exchange', 'Gang Intelligence Exchange', 'moderated', '2026-11-18T12:00:00.000Z', { usr_marcus: ['owner', 'active'], usr_ray: ['member', 'requested'], usr_jo: ['member', 'requested'] }, { description: 'Analysts and investigators sharing gang intelligence across Texas and Oklahoma. Ask to join.' }),
  ];
}

/**
 * Who may do what in the fixture's communities, by the server's rules
 * (simplified): a chain of parents must each let the user in, restricted
 * communities show only to their members and invitees, owners and moderators
 * manage. The post, forum and activity fixtures answer by the same rules.
 */
export function communityRules(communities: FixtureCommunity[]) {
  const byRef = (ref: string) => communities.find((c) => c.slug === ref || c.id === ref);
  const chain = (c: FixtureCommunity) => {
    const out = [c];
    for (let p = c.parentId ? byRef(c.parentId) : undefined; p; p = p.parentId ? byRef(p.parentId) : undefined) out.unshift(p);
    return out;
  };
  const roleIn = (c: FixtureCommunity, uid: string): Role | null => {
    for (const link of chain(c)) if (link.members[uid]?.state !== 'active') return null;
    return c.members[uid]!.role;
  };
  const readable = (c: FixtureCommunity, uid: string) =>
    !c.archived && chain(c).every((link) => link.visibility !== 'restricted' || link.members[uid]?.state === 'active' || link.members[uid]?.state === 'invited');
  const manager = (c: FixtureCommunity, uid: string) => ['owner', 'moderator'].includes(roleIn(c, uid) ?? '');
  const view = (c: FixtureCommunity, uid: string): Community => {
    const { members, ...rest } = c;
    const own = members[uid];
    return {
      ...rest,
      path: chain(c).slice(0, -1).map(({ id, slug, name }) => ({ id, slug, name })),
      memberCount: Object.values(members).filter((m) => m.state === 'active').length,
      membership: own ? { role: own.role, state: own.state } : null,
    };
  };
  const memberView = (uid: string, m: Membership & { since: string }): Member => ({
    userId: uid,
    name: fixturePeople[uid]?.name ?? uid,
    agency: fixturePeople[uid]?.agency ?? null,
    role: m.role,
    state: m.state,
    since: m.since,
  });
  const touch = (c: FixtureCommunity, uid: string, m: Membership) => (c.members[uid] = { ...m, since: new Date().toISOString() });
  const person = (uid: string) => ({ id: uid, name: fixturePeople[uid]?.name ?? uid, agency: fixturePeople[uid]?.agency ?? null });
  const contentReadable = (c: FixtureCommunity, uid: string) => readable(c, uid) && (c.visibility !== 'restricted' || roleIn(c, uid) !== null);
  /** The community a topic, post or activity is in, as the API names it on each. */
  const placeIn = (c: FixtureCommunity) => ({ communityId: c.id, communitySlug: c.slug });
  return { communities, byRef, chain, roleIn, readable, manager, view, memberView, touch, person, contentReadable, placeIn };
}

export type CommunityRules = ReturnType<typeof communityRules>;

/** `/communities` and `/communities/{ref}[/join|leave|members…]`, answered from memory. */
export function communityRoutes(rules: CommunityRules) {
  const { communities, byRef, chain, roleIn, readable, manager, view, memberView, touch } = rules;
  return (me: Me, method: string, url: URL, body: Record<string, unknown>): Response => {
    const uid = me.id;
    const parts = url.pathname.replace(/^\/api\/v1\/communities\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
    const [ref, action, memberId, memberAction] = parts;

    if (!ref && method === 'GET') {
      const scope = url.searchParams.get('scope') ?? 'mine';
      const limit = Number(url.searchParams.get('limit') ?? 25);
      const offset = Number(url.searchParams.get('cursor') ?? 0);
      const parent = url.searchParams.get('parent');
      const items = communities
        .filter((c) => readable(c, uid) && (scope === 'all' || c.members[uid]) && (!parent || c.parentId === byRef(parent)?.id))
        .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
      const page = items.slice(offset, offset + limit);
      return json(200, { items: page.map((c) => view(c, uid)), nextCursor: items.length > offset + limit ? String(offset + limit) : null });
    }
    if (!ref && method === 'POST') {
      const name = typeof body.name === 'string' ? body.name.trim() : '';
      if (!name) return fail(400, 'VALIDATION_FAILED', 'Invalid request body: name (Enter a name)', { name: body.name === undefined ? 'Required' : 'Enter a name' });
      const slug = typeof body.slug === 'string' ? body.slug.trim().toLowerCase() : name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
      if (!/^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$/.test(slug))
        return fail(400, 'VALIDATION_FAILED', 'Invalid request body: slug (Use 1–60 lowercase letters, digits and dashes)', { slug: 'Use 1–60 lowercase letters, digits and dashes' });
      if (byRef(slug)) return fail(409, 'SLUG_TAKEN', 'Another community already uses that address.', { slug: 'Already in use' });
      let parentId: string | null = null;
      if (typeof body.parent === 'string') {
        const parent = byRef(body.parent);
        if (!parent || !readable(parent, uid)) return notFound();
        if (!manager(parent, uid)) return fail(403, 'MODERATOR_REQUIRED', 'Only an owner or moderator may do that.');
        parentId = parent.id;
      }
      let copied: Partial<FixtureCommunity> = {};
      if (typeof body.copyFrom === 'string') {
        const source = byRef(body.copyFrom);
        if (!source || !readable(source, uid)) return notFound();
        copied = { visibility: source.visibility, settings: structuredClone(source.settings) };
      }
      const at = new Date().toISOString();
      const created = community(slug, name, (body.visibility as Visibility) ?? copied.visibility ?? 'public', at, { [uid]: ['owner', 'active'] }, {
        parentId,
        description: typeof body.description === 'string' ? body.description : (copied.settings?.descriptionTemplate ?? ''),
        settings: copied.settings ?? {},
      });
      communities.push(created);
      return json(201, view(created, uid));
    }

    const c = ref ? byRef(ref) : undefined;
    if (!c || !readable(c, uid)) return notFound();
    const own = c.members[uid];
    if (method === 'GET' && !action) return json(200, view(c, uid));
    if (method === 'POST' && action === 'join') {
      if (roleIn(c, uid)) return fail(409, 'ALREADY_MEMBER', 'You are already a member.');
      if (own?.state === 'requested') return fail(409, 'ALREADY_REQUESTED', 'Your request to join is waiting for approval.');
      if (!own && c.visibility === 'restricted') return fail(403, 'INVITATION_REQUIRED', 'This community is by invitation only.');
      const state = own?.state === 'invited' || c.visibility === 'public' ? 'active' : 'requested';
      touch(c, uid, { role: own?.role ?? 'member', state });
      const v = view(c, uid);
      return json(state === 'active' ? 200 : 202, { community: v, membership: v.membership });
    }
    if (method === 'POST' && action === 'leave') {
      if (!own) return fail(409, 'NOT_A_MEMBER', 'You are not a member.');
      const owners = Object.values(c.members).filter((m) => m.role === 'owner' && m.state === 'active').length;
      if (own.role === 'owner' && own.state === 'active' && owners <= 1) return fail(409, 'LAST_OWNER', 'Make another member an owner before you leave.');
      for (const sub of communities) if (sub === c || chain(sub).includes(c)) delete sub.members[uid];
      return json(200, { community: view(c, uid), membership: null });
    }
    if (method === 'GET' && action === 'members') {
      const state = url.searchParams.get('state') ?? 'active';
      if (state !== 'active' && !manager(c, uid)) return fail(403, 'MODERATOR_REQUIRED', 'Only an owner or moderator may do that.');
      const items = Object.entries(c.members)
        .filter(([, m]) => m.state === state)
        .map(([id, m]) => memberView(id, m))
        .sort((a, b) => a.name.localeCompare(b.name));
      return json(200, { items });
    }
    if (method === 'POST' && action === 'members' && memberId && (memberAction === 'approve' || memberAction === 'deny')) {
      if (!manager(c, uid)) return fail(403, 'MODERATOR_REQUIRED', 'Only an owner or moderator may do that.');
      const request = c.members[memberId];
      if (request?.state !== 'requested') return fail(404, 'REQUEST_NOT_FOUND', 'That user has not asked to join.');
      if (memberAction === 'deny') {
        delete c.members[memberId];
        return json(200, { ok: true });
      }
      return json(200, memberView(memberId, touch(c, memberId, { role: request.role, state: 'active' })));
    }
    return noFixture(method, url);
  };
}
