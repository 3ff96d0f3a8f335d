import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { Kysely } from 'kysely';
import { loadActor, type Actor } from '../authz.ts';
import { every, type Clock } from '../clock.ts';
import type { ServerConfig } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { firstEventId, type StoredEvent } from '../events/events.ts';
import { Subscriber } from '../events/hub.ts';
import { reserveStreamSlot, type StreamSlot } from '../events/stream-slots.ts';
import { requireUser, type AppEnv } from '../http/context.ts';
import { ApiError, ErrorBodySchema } from '../http/errors.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { jsonContent } from '../http/openapi.ts';
import { createRouter } from '../http/router.ts';

const EventId = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const Query = z.strictObject({
  since: EventId.optional().openapi({ description: 'Resume after this event id (the same as the Last-Event-ID header)' }),
});
const Headers = z.object({ 'last-event-id': EventId.optional() });

const route = createRoute({
  method: 'get',
  path: '/',
  tags: ['events'],
  summary: 'Live events (Server-Sent Events) about everything you may read',
  description:
    'Each event has a monotonic `id`, a `type` (e.g. `membership.changed`) and JSON `data`. Reconnect with `Last-Event-ID` (or `?since=`) to receive every event you missed, in order, once; if you are further behind than the retention window you get a `resync` event instead. `ready` opens the stream; comments are heartbeats.',
  request: { query: Query, headers: Headers },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
    401: jsonContent(ErrorBodySchema, 'Not signed in'),
    403: jsonContent(ErrorBodySchema, 'Account not active'),
    429: jsonContent(ErrorBodySchema, 'Too many open streams for this user'),
  },
});

/** What a client receives as an event's `data`: no internal fields. */
export function wireEvent(e: StoredEvent) {
  return { id: e.id, type: e.type, communityId: e.communityId, userId: e.userId, payload: e.payload, createdAt: e.createdAt };
}

const encoder = new TextEncoder();
const frames = new WeakMap<StoredEvent, Uint8Array>();

/**
 * An event's Server-Sent Events frame (what `writeSSE` would write: event,
 * one data line of JSON, id), encoded once however many streams it goes to:
 * the hub hands every subscriber the same event object.
 */
function frameOf(e: StoredEvent): Uint8Array {
  let frame = frames.get(e);
  if (!frame) {
    frame = encoder.encode(`event: ${e.type}\ndata: ${JSON.stringify(wireEvent(e))}\nid: ${e.id}\n\n`);
    frames.set(e, frame);
  }
  return frame;
}

/**
 * Why a stream's session has ended, or null while it holds: signed out or
 * removed (`session-ended`), unused past the idle timeout (`idle`: only what
 * the user did counts, since background requests never move last_seen_at), or
 * past its absolute lifetime (`lifetime`). The same deadlines, on the same
 * clock, as a request's session check.
 */
export async function streamSessionEnd(db: Kysely<Database>, clock: Clock, config: ServerConfig, sessionId: string | null): Promise<'session-ended' | 'idle' | 'lifetime' | null> {
  if (!sessionId) return 'session-ended';
  const row = await db
    .selectFrom('session')
    .leftJoin('session_activity', 'session_activity.session_id', 'session.id')
    .select(['session.expiresAt', 'session.createdAt', 'session_activity.last_seen_at'])
    .where('session.id', '=', sessionId)
    .executeTakeFirst();
  if (!row) return 'session-ended';
  const now = clock.now().getTime();
  const createdAt = new Date(row.createdAt).getTime();
  const lastSeen = row.last_seen_at ? Date.parse(row.last_seen_at) : createdAt;
  if (now - lastSeen > config.sessions.idleMinutes * 60_000) return 'idle';
  // Our limits on the server's clock; better-auth's own expiry on the real one, which set it.
  if (now - createdAt > config.sessions.hours * 3600_000 || new Date(row.expiresAt).getTime() <= Date.now()) return 'lifetime';
  return null;
}

export const events = createRouter().openapi(route, async (c) => {
  const user = await requireUser(c);
  const { db, config, clock } = c.get('services');
  const actor = await loadActor(db.kysely, user.id);
  if (actor.status !== 'active') throw new ApiError(403, actor.status === 'pending' ? 'ACCOUNT_PENDING' : 'ACCOUNT_DISABLED', 'Your account is not active.');
  // The slot is taken in the database before anything else, so streams opened at once
  // (in any process) cannot all pass the count; it is given back when the stream ends.
  const slot = await reserveStreamSlot(db.kysely, clock, user.id, config.maxStreamsPerUser, config.heartbeatSeconds);
  if (!slot) throw new ApiError(429, 'TOO_MANY_STREAMS', `At most ${config.maxStreamsPerUser} live streams per user; close another tab or widget.`);
  let handedOver = false;
  try {
    const since = c.req.valid('query').since ?? c.req.valid('header')['last-event-id'];
    const response = await openStream(c, actor, slot, since);
    handedOver = true;
    return response;
  } finally {
    if (!handedOver) await slot.release();
  }
});

/** The stream itself, holding `slot` until it ends (however it ends). */
async function openStream(c: Context<AppEnv>, actor: Actor, slot: StreamSlot, since: number | undefined) {
  const { db, events: live, config, clock } = c.get('services');
  const sessionId = c.get('sessionId');
  // Make sure the hub has seen everything committed so far before choosing where to start.
  await live.hub.wake();
  const lastId = live.hub.lastId;
  const first = await firstEventId(db.kysely);
  const behind = since !== undefined && (since > lastId || (first !== null ? since < first - 1 : since < lastId));

  return streamSSE(c, (stream) => runStream(stream).finally(() => slot.release()));

  async function runStream(stream: SSEStreamingApi) {
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const sub = new Subscriber(live.hub, actor, sessionId, since === undefined || behind ? lastId : since, {
      send: async (e) => {
        await stream.write(frameOf(e));
      },
      close: (reason) => {
        void stream
          .writeSSE({ event: 'end', data: JSON.stringify({ reason }) })
          .catch(() => {})
          .finally(() => {
            void stream.close().catch(() => {});
            done();
          });
      },
    });
    stream.onAbort(() => {
      sub.closed = true;
      live.hub.remove(sub);
      done();
    });
    await sub.warm();
    if (behind) await stream.writeSSE({ event: 'resync', data: JSON.stringify({ reason: 'too-far-behind', lastEventId: lastId }) });
    await stream.writeSSE({ event: 'ready', data: JSON.stringify({ lastEventId: sub.cursor }) });
    live.hub.add(sub);
    sub.pump();
    // Each heartbeat re-checks the session's idle and absolute deadlines: a stream ends
    // within one heartbeat of its session's end, with the reason (`idle`, `lifetime`).
    let checking = false;
    const stop = every(clock, config.heartbeatSeconds * 1000, () => {
      if (checking || sub.closed) return;
      checking = true;
      void (async () => {
        try {
          const ended = await streamSessionEnd(db.kysely, clock, config, sessionId);
          if (ended) return sub.close(ended);
          await slot.beat();
        } catch (err) {
          // The database is restarting: the session is checked at the next beat, and the stream stays open meanwhile.
          if (!isDatabaseUnavailable(err)) return sub.close('error');
        } finally {
          checking = false;
        }
        await stream.write(': heartbeat\n\n').catch(() => sub.close('error'));
      })();
    });
    try {
      await finished;
    } finally {
      stop();
    }
  }
}
