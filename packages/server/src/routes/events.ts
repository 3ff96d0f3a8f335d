import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { loadActor } from '../authz.ts';
import { firstEventId, type StoredEvent } from '../events/events.ts';
import { Subscriber } from '../events/hub.ts';
import { requireUser } from '../http/context.ts';
import { ApiError, ErrorBodySchema } from '../http/errors.ts';
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

export const events = createRouter().openapi(route, async (c) => {
  const user = await requireUser(c);
  const { db, events: live, config } = c.get('services');
  const actor = await loadActor(db.kysely, user.id);
  if (actor.status !== 'active') throw new ApiError(403, actor.status === 'pending' ? 'ACCOUNT_PENDING' : 'ACCOUNT_DISABLED', 'Your account is not active.');
  if (live.hub.countFor(user.id) >= config.maxStreamsPerUser) {
    throw new ApiError(429, 'TOO_MANY_STREAMS', `At most ${config.maxStreamsPerUser} live streams per user; close another tab or widget.`);
  }
  const since = c.req.valid('query').since ?? c.req.valid('header')['last-event-id'];
  const sessionId = c.get('sessionId');
  // Make sure the hub has seen everything committed so far before choosing where to start.
  await live.hub.wake();
  const lastId = live.hub.lastId;
  const first = await firstEventId(db.kysely);
  const behind = since !== undefined && (since > lastId || (first !== null ? since < first - 1 : since < lastId));

  return streamSSE(c, async (stream) => {
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
    const heartbeat = setInterval(async () => {
      try {
        const session = sessionId
          ? await db.kysely.selectFrom('session').select('expiresAt').where('id', '=', sessionId).executeTakeFirst()
          : undefined;
        if (!session || new Date(session.expiresAt).getTime() <= Date.now()) return sub.close('session-ended');
        await stream.write(': heartbeat\n\n');
      } catch {
        sub.close('error');
      }
    }, config.heartbeatSeconds * 1000);
    try {
      await finished;
    } finally {
      clearInterval(heartbeat);
    }
  });
});
