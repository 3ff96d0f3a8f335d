import * as z from 'zod/mini';
import type { ApiTransport } from './transport.js';

/** One live event, as the server sends it in an SSE message's data (checked before use). */
export const LiveEventSchema = z.object({
  id: z.number(),
  type: z.string(),
  communityId: z.nullable(z.string()),
  userId: z.nullable(z.string()),
  /** Any object (`looseObject`, not `record`, which the client needs nowhere else). */
  payload: z.looseObject({}),
  createdAt: z.string(),
});
export type LiveEvent = z.infer<typeof LiveEventSchema>;

/** A `ready` or `resync` message: where the stream stands. */
const CursorSchema = z.object({ lastEventId: z.number() });
/** An `end` message: why the server closed the stream for good. */
const EndSchema = z.object({ reason: z.string() });

export type LiveListener = (event: LiveEvent) => void;
export type StreamStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/**
 * Does a subscription topic match an event? Topics: `*` (everything this user
 * may read), `user` (events about the signed-in user), `community:<id or slug>`,
 * or an event type such as `membership.changed`.
 */
export function topicMatches(topic: string, event: LiveEvent, userId: string | null): boolean {
  if (topic === '*') return true;
  if (topic === 'user') return event.userId !== null && event.userId === userId;
  if (topic.startsWith('community:')) {
    const ref = topic.slice('community:'.length);
    return event.communityId === ref || event.payload.slug === ref;
  }
  return event.type === topic;
}

const MIN_DELAY = 1000;
const MAX_DELAY = 30_000;

/**
 * The page's one live-event connection to the server: a fetch-based
 * Server-Sent Events reader (so a bearer token works across origins), which
 * reconnects with backoff and `Last-Event-ID`, so nothing is missed or repeated.
 *
 * Events: `status` (the connection's state changed), `resync` (the server could
 * not replay everything: reload what you show), `ended` (the server closed the
 * stream for good, e.g. the session ended; `detail.reason` says why: `idle`
 * and `lifetime` are the session's idle timeout and absolute end).
 */
export class EventStream extends EventTarget {
  status: StreamStatus = 'idle';
  lastEventId: number | null = null;
  #listeners = new Set<{ topics: string[]; listener: LiveListener }>();
  #abort: AbortController | null = null;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #delay = MIN_DELAY;
  #running = false;

  constructor(
    readonly api: ApiTransport,
    private readonly currentUserId: () => string | null,
  ) {
    super();
  }

  /** Listens to events matching any of `topics`; returns the function that stops listening. */
  subscribe(topics: string[], listener: LiveListener): () => void {
    const entry = { topics, listener };
    this.#listeners.add(entry);
    return () => this.#listeners.delete(entry);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#delay = MIN_DELAY;
    void this.#connect();
  }

  /** Closes the connection (sign-out, or the provider leaving the page). */
  stop(): void {
    this.#running = false;
    clearTimeout(this.#retry);
    this.#abort?.abort();
    this.#abort = null;
    this.lastEventId = null;
    this.#setStatus('closed');
  }

  #setStatus(status: StreamStatus) {
    if (this.status === status) return;
    this.status = status;
    this.dispatchEvent(new Event('status'));
  }

  #reconnectLater() {
    if (!this.#running) return;
    this.#setStatus('reconnecting');
    const jitter = this.#delay * (0.5 + Math.random() * 0.5);
    this.#retry = setTimeout(() => void this.#connect(), jitter);
    this.#delay = Math.min(this.#delay * 2, MAX_DELAY);
  }

  async #connect() {
    if (!this.#running) return;
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.#setStatus(this.status === 'reconnecting' ? 'reconnecting' : 'connecting');
    let response: Response;
    try {
      const headers: Record<string, string> = this.lastEventId === null ? {} : { 'last-event-id': String(this.lastEventId) };
      response = await this.api.stream('/api/v1/events', { accept: 'text/event-stream', ...headers }, abort.signal);
    } catch {
      if (!abort.signal.aborted) this.#reconnectLater();
      return;
    }
    if (response.status === 401 || response.status === 403) {
      // Signed out, or not allowed: nothing to retry until the session changes.
      this.#end(response.status === 401 ? 'signed-out' : 'forbidden');
      return;
    }
    if (!response.ok || !response.body) {
      if (response.status === 429) this.#delay = MAX_DELAY;
      this.#reconnectLater();
      return;
    }
    await this.#read(response.body, abort);
  }

  async #read(body: ReadableStream<Uint8Array>, abort: AbortController) {
    const reader = body.pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>).getReader();
    let buffer = '';
    let ended: string | null = null;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n?/g, '\n');
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const result = this.#dispatch(block);
          if (result) ended = result;
        }
      }
    } catch {
      /* aborted or the network dropped */
    }
    if (abort.signal.aborted || !this.#running) return;
    // Every end but a failure or a server's restart is final: the session is over
    // (signed out, revoked, idle, past its lifetime), so reconnecting is pointless.
    if (ended && ended != 'error' && ended != 'shutdown') this.#end(ended);
    else this.#reconnectLater();
  }

  /** The stream is over for good (`reason`: why): no reconnecting, and an `ended` event. */
  #end(reason: string) {
    this.#running = false;
    this.#setStatus('closed');
    this.dispatchEvent(new CustomEvent('ended', { detail: { reason } }));
  }

  /** Handles one SSE message; returns the reason when the server ended the stream. */
  #dispatch(block: string): string | null {
    let event = 'message';
    let data = '';
    let id: string | undefined;
    for (const line of block.split('\n')) {
      if (!line || line.startsWith(':')) continue;
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data += (data ? '\n' : '') + value;
      else if (field === 'id') id = value;
    }
    let json: unknown = null;
    try {
      json = data ? JSON.parse(data) : null;
    } catch {
      return null;
    }
    if (event === 'ready') {
      this.#delay = MIN_DELAY;
      this.#setStatus('open');
      const ready = CursorSchema.safeParse(json);
      if (ready.success && this.lastEventId === null) this.lastEventId = ready.data.lastEventId;
      return null;
    }
    if (event === 'resync') {
      const resync = CursorSchema.safeParse(json);
      if (resync.success) this.lastEventId = resync.data.lastEventId;
      this.dispatchEvent(new Event('resync'));
      return null;
    }
    if (event === 'end') {
      const end = EndSchema.safeParse(json);
      return end.success ? end.data.reason : 'unknown';
    }
    if (id === undefined) return null;
    const parsed = LiveEventSchema.safeParse(json);
    if (!parsed.success) return null;
    const live = parsed.data;
    if (this.lastEventId !== null && live.id <= this.lastEventId) return null; // never twice
    this.lastEventId = live.id;
    const me = this.currentUserId();
    for (const { topics, listener } of [...this.#listeners]) {
      if (topics.some((t) => topicMatches(t, live, me))) {
        try {
          listener(live);
        } catch (err) {
          console.error('[jc] live listener failed', err);
        }
      }
    }
    return null;
  }
}
