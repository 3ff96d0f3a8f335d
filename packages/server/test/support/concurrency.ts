import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/db/database.ts';
import { request, type Reply, type ServerProcess } from './processes.ts';

/*
 * The concurrency suite's parts: bursts of requests spread over server
 * processes, and the invariants (as data) checked in the database after them.
 */

export interface Caller {
  id: string;
  cookie: string;
  headers: Record<string, string>;
}

/** `n` requests at once, alternating between the processes. */
export async function burst(servers: ServerProcess[], n: number, send: (server: ServerProcess, i: number) => Promise<Reply>): Promise<Reply[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => send(servers[i % servers.length]!, i)));
}

export const api = (server: ServerProcess, who: Caller, method: string, url: string, body?: unknown) =>
  request(server, method, `/api/v1${url}`, { cookie: who.cookie, headers: who.headers, body });

/** No answer of a burst is a server error. */
export function noServerErrors(replies: Reply[], what: string) {
  const bad = replies.filter((r) => r.status >= 500);
  assert.equal(bad.length, 0, `${what}: ${bad.length} of ${replies.length} answered 5xx: ${JSON.stringify(bad[0]?.body)}`);
}

/** Runs every round, then fails naming how many rounds failed (a race shows in some rounds, not all). */
export async function rounds(n: number, round: (i: number) => Promise<void>) {
  const failed: string[] = [];
  for (let i = 0; i < n; i++) {
    try {
      await round(i);
    } catch (err) {
      if (!(err instanceof assert.AssertionError)) throw err;
      failed.push(err.message.split('\n')[0]!);
    }
  }
  assert.equal(failed.length, 0, `failed ${failed.length} of ${n} rounds; the first: ${failed[0]}`);
}

export const statuses = (replies: Reply[]) => replies.map((r) => r.status).sort((x, y) => x - y);

/**
 * The invariants, as data: each a query whose rows are violations.
 * Every community keeps an owner; counters equal their live rows; an access
 * request's state matches the grants; "done" events match the steps' state;
 * one membership row per (community, user).
 */
export async function violations(db: Db): Promise<Record<string, unknown[]>> {
  const k = db.kysely;
  const ownerless = await k
    .selectFrom('community')
    .select('community.id')
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('membership').select('membership.user_id').whereRef('membership.community_id', '=', 'community.id').where('role', '=', 'owner').where('state', '=', 'active'))),
    )
    .execute();
  const topics = await k.selectFrom('topic').select(['id', 'reply_count']).where('deleted_at', 'is', null).execute();
  const liveReplies = await k.selectFrom('reply').select(['topic_id', (eb) => eb.fn.countAll<string | number>().as('n')]).where('deleted_at', 'is', null).groupBy('topic_id').execute();
  const repliesBy = new Map(liveReplies.map((r) => [r.topic_id, Number(r.n)]));
  const replyCounts = topics.filter((t) => Number(t.reply_count) !== (repliesBy.get(t.id) ?? 0)).map((t) => ({ ...t, real: repliesBy.get(t.id) ?? 0 }));
  const forums = await k.selectFrom('forum').select(['id', 'topic_count']).execute();
  const liveTopics = await k.selectFrom('topic').select(['forum_id', (eb) => eb.fn.countAll<string | number>().as('n')]).where('deleted_at', 'is', null).groupBy('forum_id').execute();
  const topicsBy = new Map(liveTopics.map((r) => [r.forum_id, Number(r.n)]));
  const topicCounts = forums.filter((f) => Number(f.topic_count) !== (topicsBy.get(f.id) ?? 0)).map((f) => ({ ...f, real: topicsBy.get(f.id) ?? 0 }));
  const posts = await k.selectFrom('post').select(['id', 'comment_count']).where('deleted_at', 'is', null).execute();
  const liveComments = await k.selectFrom('comment').select(['post_id', (eb) => eb.fn.countAll<string | number>().as('n')]).where('deleted_at', 'is', null).groupBy('post_id').execute();
  const commentsBy = new Map(liveComments.map((r) => [r.post_id, Number(r.n)]));
  const commentCounts = posts.filter((p) => Number(p.comment_count) !== (commentsBy.get(p.id) ?? 0)).map((p) => ({ ...p, real: commentsBy.get(p.id) ?? 0 }));
  // The answer of a topic is a live reply of it.
  const answers = await k
    .selectFrom('topic')
    .leftJoin('reply', 'reply.id', 'topic.answer_reply_id')
    .select(['topic.id', 'topic.answer_reply_id', 'reply.deleted_at', 'reply.topic_id'])
    .where('topic.answer_reply_id', 'is not', null)
    .execute();
  const deadAnswers = answers.filter((a) => a.deleted_at !== null || a.topic_id !== a.id);
  // A denied request has no grant unless another request for the same service was granted; a granted one has its grant.
  const requests = await k.selectFrom('access_request').select(['id', 'service_id', 'user_id', 'state']).execute();
  const grants = new Set((await k.selectFrom('service_grant').select(['service_id', 'user_id']).execute()).map((g) => `${g.service_id} ${g.user_id}`));
  const grantedPairs = new Set(requests.filter((r) => r.state === 'granted').map((r) => `${r.service_id} ${r.user_id}`));
  const accessRequests = requests.filter((r) => {
    const pair = `${r.service_id} ${r.user_id}`;
    return r.state === 'granted' ? !grants.has(pair) : r.state === 'denied' && grants.has(pair) && !grantedPairs.has(pair);
  });
  const pendingTwice = Object.entries(
    requests.filter((r) => r.state === 'pending').reduce<Record<string, number>>((m, r) => ((m[`${r.service_id} ${r.user_id}`] = (m[`${r.service_id} ${r.user_id}`] ?? 0) + 1), m), {}),
  ).filter(([, n]) => n > 1);
  // Each step's "done" events minus its "undone" events is its state (one "done" per change).
  const stepEvents = await k.selectFrom('event').select(['payload']).where('type', '=', 'step.changed').execute();
  const net = new Map<string, number>();
  for (const e of stepEvents) {
    const p = JSON.parse(e.payload) as { stepId?: string; change?: string };
    if (!p.stepId || (p.change !== 'done' && p.change !== 'undone')) continue;
    net.set(p.stepId, (net.get(p.stepId) ?? 0) + (p.change === 'done' ? 1 : -1));
  }
  const steps = await k.selectFrom('activity_step').select(['id', 'done']).execute();
  const doneEvents = steps.filter((s) => (net.get(s.id) ?? 0) !== Number(s.done)).map((s) => ({ ...s, net: net.get(s.id) ?? 0 }));
  const memberships = await k
    .selectFrom('membership')
    .select(['community_id', 'user_id', (eb) => eb.fn.countAll<string | number>().as('n')])
    .groupBy(['community_id', 'user_id'])
    .having((eb) => eb.fn.countAll(), '>', 1)
    .execute();
  return { ownerless, replyCounts, topicCounts, commentCounts, deadAnswers, accessRequests, pendingTwice, doneEvents, memberships };
}

export async function assertInvariants(db: Db) {
  const v = await violations(db);
  const broken = Object.fromEntries(Object.entries(v).filter(([, rows]) => rows.length > 0));
  assert.deepEqual(broken, {}, `invariants broken: ${JSON.stringify(broken)}`);
}

/** A community written straight to the database, with these members (fixtures, not the API under test). */
export async function community(db: Db, visibility: 'public' | 'moderated' | 'restricted', members: [string, 'owner' | 'moderator' | 'member', ('active' | 'invited' | 'requested')?][]) {
  const id = randomUUID();
  const at = new Date().toISOString();
  await db.kysely
    .insertInto('community')
    .values({ id, parent_id: null, slug: `c-${id.slice(0, 8)}`, name: `Race ${id.slice(0, 8)}`, description: '', banner_url: null, tags: '[]', visibility, settings: '{}', created_by: members[0]![0], archived_at: null, created_at: at, updated_at: at })
    .execute();
  for (const [user, role, state] of members) {
    await db.kysely.insertInto('membership').values({ community_id: id, user_id: user, role, state: state ?? 'active', created_at: at, updated_at: at }).execute();
  }
  return id;
}
