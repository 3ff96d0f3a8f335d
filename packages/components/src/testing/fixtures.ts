import type { Attachment, Comment, Community, CommunitySettings, Me, Member, Membership, Post, PostType, ReactionKind, Role, Visibility } from '../api/schemas.js';

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
const fixturePeople: Record<string, { name: string; agency: string | null }> = {
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

function community(
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
    community('border-analysts', 'Southwest Border Analysts', 'moderated', '2026-12-01T16:00:00.000Z', {
      usr_sam: ['owner', 'active'],
      usr_dana: ['member', 'requested'],
    }),
    community('i-35-laredo-working-group', 'Laredo Port of Entry Working Group', 'restricted', '2026-11-30T12:00:00.000Z', {
      usr_dana: ['owner', 'active'],
      usr_ray: ['member', 'active'],
    }, { parentId: 'com_i-35-corridor-task-force', description: 'The task force’s southern working group: northbound traffic from the Laredo ports of entry.' }),
    community('i-35-corridor-task-force', 'I-35 Corridor Drug Trafficking Task Force', 'restricted', '2026-11-29T12:00:00.000Z', {
      usr_dana: ['owner', 'active'],
      usr_marcus: ['moderator', 'active'],
      usr_ray: ['member', 'active'],
    }, { settings: taskForceSettings, tags: ['task force', 'narcotics', 'I-35'] }),
    community('oklahoma-fusion-liaison', 'Oklahoma Fusion Center Liaison', 'restricted', '2026-11-25T08:00:00.000Z', {
      usr_ray: ['owner', 'active'],
      usr_dana: ['member', 'invited'],
    }),
    community('highway-interdiction', 'Texas Highway Interdiction', 'public', '2026-11-20T12:00:00.000Z', {
      usr_dana: ['owner', 'active'],
      usr_ray: ['member', 'active'],
    }, { description: 'Open to every opted-in officer: interdiction training, case law and techniques.' }),
    community('gang-intelligence-exchange', 'Gang Intelligence Exchange', 'moderated', '2026-11-18T12:00:00.000Z', {
      usr_marcus: ['owner', 'active'],
      usr_ray: ['member', 'requested'],
      usr_jo: ['member', 'requested'],
    }, { description: 'Analysts and investigators sharing gang intelligence across Texas and Oklahoma. Ask to join.' }),
  ];
}

export interface FixtureOptions {
  /** Who is signed in at first (null: nobody). */
  me?: Me | null;
  /** Every request fails as if offline. */
  offline?: boolean;
  /** Requests never answer (to show loading states). */
  pending?: boolean;
  /** Milliseconds before each answer. */
  delay?: number;
  /** The communities the fixture server knows (default: `fixtureCommunities()`). */
  communities?: FixtureCommunity[];
  /** Community requests fail with a server error (the session still loads). */
  communitiesFail?: boolean;
  /** The posts the fixture server knows (default: `fixturePosts()`). */
  posts?: FixturePost[];
  /** Reading posts fails with a server error (the community still loads). */
  postsFail?: boolean;
  /** Reading posts never answers (to show the feed's loading state). */
  postsPending?: boolean;
  /** How many tries to publish a post fail as if offline (then they succeed). */
  sendFails?: number;
}

/* ---------- posts ---------- */

/** A post as the fixture server keeps it: who reacted how, its comments, its author by id. */
export interface FixturePost {
  id: string;
  /** The community's slug. */
  community: string;
  type: PostType;
  title: string | null;
  body: string;
  authorId: string;
  createdAt: string;
  editedAt: string | null;
  attachment: Attachment | null;
  /** User ids per reaction kind. */
  reactions: Record<ReactionKind, string[]>;
  comments: { id: string; authorId: string; body: string; createdAt: string }[];
  clientId?: string;
}

const minutesAgo = (m: number, from = Date.now()) => new Date(from - m * 60_000).toISOString();

function fixturePost(id: string, community: string, authorId: string, ageMinutes: number, body: string, extra: Partial<FixturePost> = {}): FixturePost {
  return {
    id,
    community,
    type: extra.attachment ? 'file' : 'status',
    title: null,
    body,
    authorId,
    createdAt: minutesAgo(ageMinutes),
    editedAt: null,
    attachment: null,
    reactions: { like: [], thanks: [], important: [] },
    comments: [],
    ...extra,
  };
}

/** The demo feed: the task force's corridor traffic and the public interdiction community's, newest first (times relative to now). */
export function fixturePosts(): FixturePost[] {
  return [
    fixturePost(
      'pst_demo_mm221',
      'i-35-corridor-task-force',
      'usr_marcus',
      6,
      'Northbound tractor-trailer stopped at **MM 221** last night: the VIN plates on the trailer were *altered*. The stop report is attached.\n\nIf you see a white Utility reefer with Oklahoma plates, call Hays County dispatch.',
      {
        attachment: { id: 'fil_demo_report', filename: 'MM221-stop-report.pdf', contentType: 'application/pdf', size: 248_331, url: '/api/v1/files/fil_demo_report' },
        reactions: { like: ['usr_ray'], thanks: ['usr_dana'], important: ['usr_dana', 'usr_ray'] },
        comments: [
          { id: 'cmt_demo_1', authorId: 'usr_ray', body: 'Same trailer was seen at the Red River crossing on Tuesday. Sending the plate reader hits.', createdAt: minutesAgo(4) },
          { id: 'cmt_demo_2', authorId: 'usr_dana', body: 'Thanks, Ray. Marcus, can you add the photos to the case file?', createdAt: minutesAgo(2) },
        ],
      },
    ),
    fixturePost(
      'pst_demo_detail',
      'i-35-corridor-task-force',
      'usr_ray',
      180,
      'OHP is running a joint interdiction detail on I-35 at the Red River this weekend:\n\n- Friday 1800–0200\n- Saturday 1800–0200\n\nMessage me for the operations plan.',
      { reactions: { like: ['usr_dana', 'usr_marcus'], thanks: [], important: [] } },
    ),
    fixturePost(
      'pst_demo_welcome',
      'i-35-corridor-task-force',
      'usr_dana',
      60 * 26,
      'Welcome to the task force feed. Use it for **time-sensitive** corridor information; case details stay in the case system. Guidance: [corridor reporting](https://www.example.gov/corridor-reporting).',
      { reactions: { like: ['usr_marcus', 'usr_ray'], thanks: ['usr_marcus'], important: [] } },
    ),
    fixturePost(
      'pst_demo_training',
      'highway-interdiction',
      'usr_dana',
      60 * 5,
      'Spring interdiction training dates are posted. Topics: *consent searches*, hidden compartments, and recent case law.',
    ),
  ];
}

const FILLER = [
  'Shift briefing notes for the corridor are up to date.',
  'Plate reader hit on a **stolen** vehicle near MM 188; unit responding.',
  'Reminder: submit seizure reports within 24 hours.',
  'Weather advisory for the northern section tonight. Slow traffic expected.',
  'New [bulletin](https://www.example.gov/bulletin) on concealment methods in car carriers.',
];
const AUTHORS = ['usr_dana', 'usr_marcus', 'usr_ray'];

/** `count` generated posts in one community, a few minutes apart (the long-feed story and test). */
export function manyFixturePosts(count: number, community = 'i-35-corridor-task-force'): FixturePost[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => ({
    id: `pst_many_${String(count - i).padStart(6, '0')}`,
    community,
    type: 'status' as const,
    title: null,
    body: `${FILLER[i % FILLER.length]} (#${count - i})`,
    authorId: AUTHORS[i % AUTHORS.length]!,
    createdAt: minutesAgo(3 + i * 7, now),
    editedAt: null,
    attachment: null,
    reactions: { like: i % 3 === 0 ? ['usr_ray'] : [], thanks: [], important: i % 11 === 0 ? ['usr_dana'] : [] },
    comments: [],
  }));
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const fail = (status: number, code: string, message: string, fields?: Record<string, string>) =>
  json(status, { error: fields ? { code, message, fields } : { code, message } });
const unauthenticated = () => fail(401, 'UNAUTHENTICATED', 'Sign in to use this.');
const notFound = () => fail(404, 'NOT_FOUND', 'No such community.');

/** The community routes, answered from memory by the server's rules (simplified). */
function communityServer(communities: FixtureCommunity[]) {
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

  /* Posts: newest first, offset cursors; the same rules as the server (members write, everyone who may read reads). */
  const person = (uid: string) => ({ id: uid, name: fixturePeople[uid]?.name ?? uid, agency: fixturePeople[uid]?.agency ?? null });
  const contentReadable = (c: FixtureCommunity, uid: string) => readable(c, uid) && (c.visibility !== 'restricted' || roleIn(c, uid) !== null);
  const postView = (p: FixturePost, uid: string): Post => {
    const c = byRef(p.community)!;
    return {
      id: p.id,
      communityId: c.id,
      communitySlug: c.slug,
      communityName: c.name,
      type: p.type,
      title: p.title,
      body: p.body,
      author: person(p.authorId),
      createdAt: p.createdAt,
      editedAt: p.editedAt,
      attachment: p.attachment,
      reactions: { like: p.reactions.like.length, thanks: p.reactions.thanks.length, important: p.reactions.important.length },
      myReactions: (Object.keys(p.reactions) as ReactionKind[]).filter((k) => p.reactions[k].includes(uid)),
      commentCount: p.comments.length,
      canEdit: p.authorId === uid && Date.now() - Date.parse(p.createdAt) < 15 * 60_000,
      canDelete: p.authorId === uid || manager(c, uid),
    };
  };
  const commentView = (p: FixturePost, c: FixturePost['comments'][number]): Comment => ({ id: c.id, postId: p.id, body: c.body, author: person(c.authorId), createdAt: c.createdAt });
  const page = (items: FixturePost[], url: URL, uid: string) => {
    const type = url.searchParams.get('type');
    const limit = Math.min(100, Number(url.searchParams.get('limit') ?? 20));
    const offset = Number(url.searchParams.get('cursor') ?? 0);
    const all = items.filter((p) => !type || p.type === type).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
    return json(200, { items: all.slice(offset, offset + limit).map((p) => postView(p, uid)), nextCursor: all.length > offset + limit ? String(offset + limit) : null });
  };
  const body_ = (body: Record<string, unknown>) => (typeof body.body === 'string' ? body.body.trim() : '');
  let sequence = 0;
  const files = new Map<string, Blob>();

  const postsRoutes = (options: FixtureOptions, posts: FixturePost[]) => {
    let sendFailures = options.sendFails ?? 0;
    /** `GET|POST /communities/{ref}/posts`, `POST /communities/{ref}/files` (the community is readable). */
    const community = async (me: Me, method: string, url: URL, c: FixtureCommunity, action: string, body: Record<string, unknown>, form: FormData | null): Promise<Response> => {
      const uid = me.id;
      if (!contentReadable(c, uid)) return fail(403, 'MEMBERSHIP_REQUIRED', 'Join this community to see inside it.');
      if (action === 'posts' && method === 'GET') {
        if (options.postsPending) return new Promise<Response>(() => {});
        if (options.postsFail) return fail(500, 'INTERNAL', 'Something went wrong on the server.');
        return page(posts.filter((p) => p.community === c.slug), url, uid);
      }
      if (!roleIn(c, uid)) return fail(403, 'MEMBERSHIP_REQUIRED', 'Join this community to do that.');
      if (action === 'files' && method === 'POST') {
        const file = form?.get('file');
        if (!(file instanceof File)) return fail(400, 'VALIDATION_FAILED', 'Send the file in the field "file".', { file: 'Required' });
        if (file.size > 10 * 1024 * 1024) return fail(413, 'FILE_TOO_LARGE', 'Files may be at most 10 MB.', { file: 'Too large' });
        if (!/\.(pdf|png|jpe?g|gif|txt|csv|docx|xlsx)$/i.test(file.name)) return fail(415, 'FILE_TYPE_NOT_ALLOWED', 'Allowed files: .pdf .png .jpg .jpeg .gif .txt .csv .docx .xlsx', { file: 'Type not allowed' });
        const id = `fil_fixture_${++sequence}`;
        files.set(id, file);
        return json(201, { id, filename: file.name, contentType: file.type || 'application/octet-stream', size: file.size, url: `/api/v1/files/${id}` });
      }
      if (action === 'posts' && method === 'POST') {
        if (sendFailures > 0) {
          sendFailures--;
          throw new TypeError('Failed to fetch');
        }
        const text = body_(body);
        if (!text) return fail(400, 'VALIDATION_FAILED', 'Invalid request body: body (Write something)', { body: 'Write something' });
        const clientId = typeof body.clientId === 'string' ? body.clientId : undefined;
        const again = clientId ? posts.find((p) => p.authorId === uid && p.clientId === clientId) : undefined;
        if (again) return json(200, postView(again, uid));
        const attachmentId = typeof body.attachmentId === 'string' ? body.attachmentId : null;
        const file = attachmentId ? files.get(attachmentId) : undefined;
        const created = fixturePost(`pst_fixture_${Date.now().toString(36)}_${++sequence}`, c.slug, uid, 0, text, {
          clientId,
          attachment: file && attachmentId ? { id: attachmentId, filename: (file as File).name, contentType: file.type, size: file.size, url: `/api/v1/files/${attachmentId}` } : null,
        });
        posts.unshift(created);
        return json(201, postView(created, uid));
      }
      return fail(404, 'NOT_FOUND', `No fixture for ${method} ${url.pathname}`);
    };

    /** `/feed`, `/posts/{id}…` and `/files/{id}`. */
    const other = (me: Me, method: string, url: URL, body: Record<string, unknown>): Response => {
      const uid = me.id;
      if (url.pathname === '/api/v1/feed' && method === 'GET') {
        if (options.postsPending) return new Promise<Response>(() => {}) as never;
        if (options.postsFail) return fail(500, 'INTERNAL', 'Something went wrong on the server.');
        return page(posts.filter((p) => { const c = byRef(p.community); return c && readable(c, uid) && roleIn(c, uid); }), url, uid);
      }
      const fileMatch = /^\/api\/v1\/files\/([^/]+)$/.exec(url.pathname);
      if (fileMatch && method === 'GET') {
        const blob = files.get(decodeURIComponent(fileMatch[1]!)) ?? new Blob(['A recorded fixture file.'], { type: 'text/plain' });
        return new Response(blob, { status: 200, headers: { 'content-type': blob.type || 'application/octet-stream' } });
      }
      const [, id, action, kind] = url.pathname.replace(/^\/api\/v1\/posts\//, '/').split('/').map(decodeURIComponent);
      const p = posts.find((x) => x.id === id);
      const c = p ? byRef(p.community) : undefined;
      if (!p || !c || !contentReadable(c, uid)) return fail(404, 'NOT_FOUND', 'No such post.');
      const member = roleIn(c, uid) !== null;
      const needMember = () => fail(403, 'MEMBERSHIP_REQUIRED', 'Join this community to do that.');
      if (!action && method === 'PATCH') {
        if (!member) return needMember();
        if (p.authorId !== uid) return fail(403, 'AUTHOR_REQUIRED', 'Only its author may edit a post.');
        const text = body_(body);
        if (!text) return fail(400, 'VALIDATION_FAILED', 'Invalid request body: body (Write something)', { body: 'Write something' });
        p.body = text;
        p.editedAt = new Date().toISOString();
        return json(200, postView(p, uid));
      }
      if (!action && method === 'DELETE') {
        if (p.authorId !== uid && !manager(c, uid)) return fail(403, 'MODERATOR_REQUIRED', 'Only its author or a moderator may delete a post.');
        posts.splice(posts.indexOf(p), 1);
        return json(200, { ok: true });
      }
      if (action === 'reactions' && (kind === 'like' || kind === 'thanks' || kind === 'important') && (method === 'PUT' || method === 'DELETE')) {
        if (!member) return needMember();
        const list = p.reactions[kind].filter((u) => u !== uid);
        p.reactions[kind] = method === 'PUT' ? [...list, uid] : list;
        const v = postView(p, uid);
        return json(200, { reactions: v.reactions, myReactions: v.myReactions });
      }
      if (action === 'comments' && method === 'GET') return json(200, { items: p.comments.map((x) => commentView(p, x)) });
      if (action === 'comments' && method === 'POST') {
        if (!member) return needMember();
        const text = body_(body);
        if (!text) return fail(400, 'VALIDATION_FAILED', 'Invalid request body: body (Write something)', { body: 'Write something' });
        const comment = { id: `cmt_fixture_${++sequence}`, authorId: uid, body: text, createdAt: new Date().toISOString() };
        p.comments.push(comment);
        return json(201, commentView(p, comment));
      }
      if (action === 'report' && method === 'POST') {
        if (typeof body.reason !== 'string' || !body.reason.trim()) return fail(400, 'VALIDATION_FAILED', 'Invalid request body: reason (Required)', { reason: 'Required' });
        return json(200, { ok: true });
      }
      return fail(404, 'NOT_FOUND', `No fixture for ${method} ${url.pathname}`);
    };
    return { community, other };
  };

  const handle = (me: Me, method: string, url: URL, body: Record<string, unknown>): Response => {
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
    return fail(404, 'NOT_FOUND', `No fixture for ${method} ${url.pathname}`);
  };

  /** Every community route, posts and files included. */
  return (options: FixtureOptions, posts: FixturePost[]) => {
    const postRoutes = postsRoutes(options, posts);
    return {
      communities: async (me: Me, method: string, url: URL, body: Record<string, unknown>, form: FormData | null): Promise<Response> => {
        const [ref, action, more] = url.pathname.replace(/^\/api\/v1\/communities\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
        if (ref && (action === 'posts' || action === 'files') && !more) {
          const c = byRef(ref);
          if (!c || !readable(c, me.id)) return notFound();
          return postRoutes.community(me, method, url, c, action, body, form);
        }
        return handle(me, method, url, body);
      },
      posts: postRoutes.other,
    };
  };
}

/** A `fetch` that answers like the server, from memory. Give it to `<jc-provider .fetcher>`. */
export function fixtureFetch(options: FixtureOptions = {}): typeof fetch {
  let me: Me | null = options.me ?? null;
  const server = communityServer(structuredClone(options.communities ?? fixtureCommunities()))(options, structuredClone(options.posts ?? fixturePosts()));
  return async (input, init) => {
    if (options.pending) return new Promise<Response>(() => {});
    if (options.delay) await new Promise((r) => setTimeout(r, options.delay));
    if (options.offline) throw new TypeError('Failed to fetch');
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const method = (init?.method ?? 'GET').toUpperCase();
    const form = init?.body instanceof FormData ? init.body : null;
    const body = init?.body && !form ? JSON.parse(String(init.body)) : {};
    const posts = url.pathname === '/api/v1/feed' || url.pathname.startsWith('/api/v1/posts/') || url.pathname.startsWith('/api/v1/files/');
    if (url.pathname === '/api/v1/communities' || url.pathname.startsWith('/api/v1/communities/') || posts) {
      if (!me) return unauthenticated();
      if (options.communitiesFail) return fail(500, 'INTERNAL', 'Something went wrong on the server.');
      if (me.status === 'pending') return fail(403, 'ACCOUNT_PENDING', 'Your account is waiting for your agency administrator’s approval.');
      if (!me.optedIn) return fail(403, 'OPT_IN_REQUIRED', 'Opt in to JusticeConnect to use communities.');
      return posts ? server.posts(me, method, url, body) : server.communities(me, method, url, body, form);
    }
    switch (`${method} ${url.pathname}`) {
      case 'GET /api/v1/me':
        return me ? json(200, me) : unauthenticated();
      case 'PATCH /api/v1/me':
        if (!me) return unauthenticated();
        me = { ...me, ...body, optedInAt: body.optedIn ? new Date().toISOString() : me.optedInAt };
        return json(200, me);
      case 'POST /api/auth/sign-in/email': {
        const user = Object.values(fixtureUsers).find((u) => u.email === body.email);
        if (!user || body.password !== 'corridor-demo-2026')
          return fail(401, 'INVALID_EMAIL_OR_PASSWORD', 'Invalid email or password');
        me = user;
        return json(200, { redirect: false, user: { id: user.id, name: user.name, email: user.email } });
      }
      case 'POST /api/auth/sign-out':
        me = null;
        return json(200, { success: true });
      default:
        return fail(404, 'NOT_FOUND', `No fixture for ${method} ${url.pathname}`);
    }
  };
}
