import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Actor } from '../authz.ts';
import { compiled } from '../db/compiled.ts';
import type { Database, PostType } from '../db/schema.ts';
import { encodeCursor } from '../http/cursor.ts';
import { visibleToReader } from './audience.ts';
import { POST_COLUMNS, postAttachments, postAuthors, reactionCounts, readerParts, REACTION_KINDS, sharedView, type PostRow, type ReactionKind, type SharedParts } from './queries.ts';

/*
 * The first page of a community's feed, shared by its readers.
 *
 * Many officers open the same community's feed; each first page read the
 * same posts, counts, authors and files again. Here one process keeps, per
 * community (and type filter and page size), what every reader of that page
 * sees alike, under the community's version: its latest event's delivery
 * number (every change to a post, a reaction, a comment or the community
 * records one, in the change's own transaction), with the latest profile
 * change (an author's name). A reader's own parts are laid over it on every
 * request: their reactions, their rights (edit, delete, their idempotency
 * key), and which followers-only entries they may see.
 *
 * What it never does:
 * - decide access. The route has already asked the authorization function
 *   about this community for this request (a removed member, a suspended
 *   account or an ended session is refused before the cache is asked);
 * - cross an access boundary. An entry holds one community's posts and is
 *   read only for a reader who may read inside that community; followers-only
 *   entries are filtered per reader by the one audience rule (audience.ts),
 *   and when that leaves the window short the page is read from the database;
 * - serve a page older than its version. The version is read before the page
 *   is built: a change committed in between makes the entry newer than its
 *   version, and the next request rebuilds it.
 *
 * An agency renamed (which records no event) shows at most `ttlMs` late in a byline.
 *
 * Each page comes with its entity tag, made from what its text is made of:
 * the entry's digest (a hash of every shared view in it, taken once when it
 * is built) with the page's posts and this reader's parts of each, and the
 * cursor. Two pages with one tag have the same text; hashing that (a few
 * hundred bytes) instead of the whole page was a sixteenth of a cached
 * read's time.
 */

/** Rows a cached window holds past the page: room for followers-only entries a reader may not see. */
const SLACK = 10;

interface Entry {
  version: string;
  builtAt: number;
  rows: PostRow[];
  /** Each post's view as every reader sees it, as JSON text without its closing brace. */
  shared: Map<string, string>;
  /** The window holds every post of the feed (it ended before the window did). */
  complete: boolean;
  /** About what its text holds (two bytes a character, and a little for each row's other fields). */
  bytes: number;
  /** A hash of every shared view in it, with its post's id: the part of a page's tag this entry fixes. */
  digest: string;
}

/** A first page as its reader sees it: its JSON text, and its entity tag (unquoted, as the edge wants it). */
export interface CachedPage {
  text: string;
  tag: string;
}

/** Which posts of `ids` the reader reacted to, and how. */
async function readerReactions(db: Kysely<Database>, userId: string, ids: string[]): Promise<Map<string, ReactionKind[]>> {
  if (ids.length === 0) return new Map();
  const rows = await compiled(db, `reader-reactions:${ids.length}`, [userId, ...ids], (user, ...postIds) =>
    db
      .selectFrom('reaction')
      .select(['post_id', 'kind'])
      .where('user_id', '=', user)
      .where('post_id', 'in', postIds as string[]),
  );
  return grouped(rows);
}

/** The version as one text (both databases): the community's latest event's delivery number, and the latest profile change's. */
const versionText = (id: string) =>
  sql<string>`coalesce(cast((select max(seq) from event where community_id = ${id}) as text), '') || ':' || coalesce(cast((select max(seq) from event where type = 'profile.changed') as text), '')`;

/** The community's version (an empty window's: there is nobody's reaction to read with it). */
async function versionOf(db: Kysely<Database>, communityId: string): Promise<string> {
  const rows = await compiled(db, 'feed-version', [communityId], (id) => db.selectNoFrom(versionText(id).as('version')));
  return String(rows[0]?.version ?? '');
}

/** The version and the reader's reactions on the posts of a window, in one statement (the version as a row of its own). */
async function versionAndReactions(db: Kysely<Database>, communityId: string, userId: string, ids: string[]): Promise<{ version: string; mine: Map<string, ReactionKind[]> }> {
  const rows = await compiled(db, `feed-version-reactions:${ids.length}`, [communityId, userId, ...ids], (id, user, ...postIds) =>
    db
      .selectNoFrom([sql<string>`'~version'`.as('post_id'), versionText(id).as('kind')])
      .unionAll(db.selectFrom('reaction').select(['post_id', 'kind']).where('user_id', '=', user).where('post_id', 'in', postIds as string[])),
  );
  const version = rows.find((r) => r.post_id === '~version');
  return { version: String(version?.kind ?? ''), mine: grouped(rows.filter((r) => r !== version) as { post_id: string; kind: ReactionKind }[]) };
}

/** Reactions by post, each post's kinds in the order the kinds are listed (as `postPage` gives them). */
function grouped(rows: { post_id: string; kind: ReactionKind }[]): Map<string, ReactionKind[]> {
  const mine = new Map<string, ReactionKind[]>();
  for (const r of rows) mine.set(r.post_id, [...(mine.get(r.post_id) ?? []), r.kind]);
  for (const [id, kinds] of mine) mine.set(id, REACTION_KINDS.filter((k) => kinds.includes(k)));
  return mine;
}

export class FeedPageCache {
  readonly #entries = new Map<string, Entry>();
  /** Counts since start, for the tests and the benchmark. */
  readonly stats = { hits: 0, builds: 0, fallbacks: 0 };

  #bytes = 0;

  /**
   * At most about `maxBytes` of posts' text (a post may hold 20,000 characters, and a reader may
   * ask for pages of up to 100), least recently read out first.
   */
  constructor(
    readonly ttlMs = 60_000,
    readonly maxBytes = 32 * 1024 * 1024,
  ) {}

  /** Roughly what the entries' text holds, in bytes (for the tests). */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * The first page of `communityId`'s feed as `actor` sees it, as its JSON
   * text (`{ items, nextCursor }`, each item a PostView), or null when
   * this reader's page cannot be told from the shared window (the caller
   * reads it from the database then). Call only after the reader was
   * authorized to read inside the community.
   */
  async firstPage(
    db: Kysely<Database>,
    actor: Actor,
    community: { id: string; slug: string; name: string },
    moderator: boolean,
    options: { limit: number; type?: PostType; now: Date },
  ): Promise<CachedPage | null> {
    const { limit, type, now } = options;
    const key = `${community.id}\u0000${type ?? ''}\u0000${limit}`;
    let entry = this.#entries.get(key);
    // With an entry, its version is read with this reader's reactions on its posts, in one statement.
    let mine: Map<string, ReactionKind[]> | undefined;
    let version: string;
    if (entry && entry.rows.length > 0) ({ version, mine } = await versionAndReactions(db, community.id, actor.userId, entry.rows.map((r) => r.id)));
    else version = await versionOf(db, community.id);
    // (Its age on the server's one clock, as every other decision's.)
    if (!entry || entry.version !== version || now.getTime() - entry.builtAt > this.ttlMs) {
      mine = undefined;
      entry = await this.#build(db, community, version, limit, type, now);
      this.stats.builds++;
    } else {
      this.stats.hits++;
    }
    // Most recently read last (a Map keeps insertion order): the first ones are dropped past the budget.
    const old = this.#entries.get(key);
    if (old) {
      this.#entries.delete(key);
      this.#bytes -= old.bytes;
    }
    this.#entries.set(key, entry);
    this.#bytes += entry.bytes;
    for (const [k, e] of this.#entries) {
      if (this.#bytes <= this.maxBytes || k === key) break;
      this.#entries.delete(k);
      this.#bytes -= e.bytes;
    }
    // Followers-only entries: the one audience rule, for this reader, over the window's own authors.
    const hidden = entry.rows.filter((r) => r.audience !== 'community' && r.author_id !== actor.userId);
    let visible = entry.rows;
    if (hidden.length > 0) {
      const seen = await this.#followersVisible(db, actor.userId, hidden.map((r) => r.id));
      visible = entry.rows.filter((r) => r.audience === 'community' || r.author_id === actor.userId || seen.has(r.id));
    }
    if (visible.length <= limit && !entry.complete) {
      this.stats.fallbacks++;
      return null;
    }
    const page = visible.slice(0, limit);
    mine ??= await readerReactions(db, actor.userId, page.map((r) => r.id));
    const moderatorOf = new Set(moderator ? [community.id] : []);
    // The shared text of each post, with this reader's parts after it (JSON is the same whatever the key order).
    const tag = createHash('sha1').update(entry.digest);
    const items = page.map((r) => {
      const own = readerParts(r, mine.get(r.id) ?? [], actor, moderatorOf, now);
      const parts = `,"myReactions":${JSON.stringify(own.myReactions)},"canEdit":${own.canEdit},"canDelete":${own.canDelete},"clientId":${JSON.stringify(own.clientId)}}`;
      tag.update(`\u0000${r.id}\u0000${parts}`);
      return entry.shared.get(r.id)! + parts;
    });
    const last = page[page.length - 1];
    const nextCursor = visible.length > limit && last ? encodeCursor(last.created_at, last.id) : null;
    const cursor = JSON.stringify(nextCursor);
    tag.update(`\u0000${cursor}`);
    return { text: `{"items":[${items.join(',')}],"nextCursor":${cursor}}`, tag: tag.digest('base64url') };
  }

  /** Of these followers-only posts, the ones the reader may see (the audience rule, asked of the database). */
  async #followersVisible(db: Kysely<Database>, userId: string, ids: string[]): Promise<Set<string>> {
    const rows = await compiled(db, `followers-visible:${ids.length}`, [userId, ...ids], (user, ...postIds) =>
      db
        .selectFrom('post')
        .select('post.id')
        .where('post.id', 'in', postIds as string[])
        .where((eb) => visibleToReader(eb, user)),
    );
    return new Set(rows.map((r) => r.id));
  }

  async #build(db: Kysely<Database>, community: { id: string; slug: string; name: string }, version: string, limit: number, type: PostType | undefined, now: Date): Promise<Entry> {
    const communityId = community.id;
    const window = limit + 1 + SLACK;
    const rows = (await compiled(db, `feed-window:${type ? 'type' : ''}`, [communityId, window, ...(type ? [type] : [])], (id, size, ...rest) => {
      let q = db
        .selectFrom('post')
        .select(POST_COLUMNS)
        .where('post.deleted_at', 'is', null)
        .where('post.community_id', '=', id);
      if (type) q = q.where('post.type', '=', rest[0] as unknown as PostType);
      return q.orderBy('post.created_at', 'desc').orderBy('post.id', 'desc').limit(size);
    })) as PostRow[];
    const ids = rows.map((r) => r.id);
    const [counts, authors, attachments] = await Promise.all([
      ids.length === 0
        ? []
        : compiled(db, `feed-counts:${ids.length}`, ids, (...postIds) =>
            db
              .selectFrom('reaction')
              .select((eb) => ['post_id', 'kind', eb.fn.countAll<string | number>().as('n')])
              .where('post_id', 'in', postIds as string[])
              .groupBy(['post_id', 'kind']),
          ),
      postAuthors(db, rows.map((r) => r.author_id)),
      postAttachments(db, rows.flatMap((r) => (r.attachment_id ? [r.attachment_id] : []))),
    ]);
    // (The community's name and slug are part of its version: a rename records an event.)
    const names = { slug: community.slug, name: community.name };
    const shared = new Map<string, string>();
    const digest = createHash('sha1');
    for (const r of rows) {
      const parts: SharedParts = { reactions: reactionCounts(counts, r.id), author: authors.get(r.author_id), community: names, attachment: r.attachment_id ? attachments.get(r.attachment_id) : undefined };
      const text = JSON.stringify(sharedView(r, parts)).slice(0, -1);
      shared.set(r.id, text);
      digest.update(`\u0000${r.id}\u0000${text}`);
    }
    const bytes = rows.reduce((sum, r) => sum + 2 * (r.body.length + (r.title?.length ?? 0)) + 512, 0);
    return { version, builtAt: now.getTime(), rows, shared, complete: rows.length < window, bytes, digest: digest.digest('base64url') };
  }
}
