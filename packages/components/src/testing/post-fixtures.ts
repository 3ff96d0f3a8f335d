import type { Attachment, Comment, Me, Post, PostType, ReactionKind } from '../api/schemas.js';
import type { CommunityRules, FixtureCommunity } from './community-fixtures.js';
import { neverAnswered } from './fixture-requests.js';
import { fail, json, minutesAgo, noFixture } from './fixture-http.js';
import type { FixtureOptions } from './fixtures.js';

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

export function fixturePost(id: string, community: string, authorId: string, ageMinutes: number, body: string, extra: Partial<FixturePost> = {}): FixturePost {
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
export const AUTHORS = ['usr_dana', 'usr_marcus', 'usr_ray'];

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

/**
 * `/communities/{ref}/posts|files`, `/feed`, `/posts/{id}…` and `/files/{id}`:
 * newest first, offset cursors, by the server's rules (members write, everyone
 * who may read reads; a post can be edited for 15 minutes).
 */
export function postRoutes(rules: CommunityRules, options: FixtureOptions, posts: FixturePost[]) {
  const { byRef, roleIn, readable, manager, person, contentReadable, placeIn } = rules;
  const postView = (p: FixturePost, uid: string): Post => {
    const c = byRef(p.community)!;
    return {
      id: p.id,
      ...placeIn(c),
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

  let sendFailures = options.sendFails ?? 0;
  /** `GET|POST /communities/{ref}/posts`, `POST /communities/{ref}/files` (the community is readable). */
  const community = async (me: Me, method: string, url: URL, c: FixtureCommunity, action: string, body: Record<string, unknown>, form: FormData | null): Promise<Response> => {
    const uid = me.id;
    if (!contentReadable(c, uid)) return fail(403, 'MEMBERSHIP_REQUIRED', 'Join this community to see inside it.');
    if (action === 'posts' && method === 'GET') {
      if (options.postsPending) return neverAnswered();
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
    return noFixture(method, url);
  };

  /** `/feed`, `/posts/{id}…` and `/files/{id}`. */
  const other = (me: Me, method: string, url: URL, body: Record<string, unknown>): Response => {
    const uid = me.id;
    if (url.pathname === '/api/v1/feed' && method === 'GET') {
      if (options.postsPending) return neverAnswered() as never;
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
    return noFixture(method, url);
  };
  return { community, other };
}
