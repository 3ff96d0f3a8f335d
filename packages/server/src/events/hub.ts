import type { Kysely } from 'kysely';
import { communityAccessMap, gate, loadActor, type Actor, type CommunityAccess } from '../authz.ts';
import type { Database } from '../db/schema.ts';
import { mayHearOfPost } from '../posts/audience.ts';
import type { EventBus } from './bus.ts';
import { eventsAfter, lastEventId, type StoredEvent } from './events.ts';
import { errField, log } from '../logger.ts';
import { isDatabaseUnavailable, logJobFailure } from '../db/unavailable.ts';

/** One open stream: its user, its session, and how far it has been sent. */
export interface SubscriberSink {
  send(event: StoredEvent): Promise<void>;
  close(reason: string): void;
}

/** Events about the portal rather than JusticeConnect: every active account may hear them, opted in or not. */
const PORTAL_EVENTS = new Set(['service.changed', 'announcement.changed']);

export class Subscriber {
  cursor: number;
  #access: Map<string, CommunityAccess> | null = null;
  #pumping = false;
  #again = false;
  #retry: NodeJS.Timeout | undefined;
  closed = false;

  constructor(
    readonly hub: EventHub,
    public actor: Actor,
    readonly sessionId: string | null,
    cursor: number,
    readonly sink: SubscriberSink,
  ) {
    this.cursor = cursor;
  }

  /** Sends every event after the cursor that this subscriber may read, in order, once each. */
  pump(): void {
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    void (async () => {
      try {
        do {
          this.#again = false;
          while (!this.closed && this.cursor < this.hub.lastId) {
            const batch = await this.hub.eventsAfter(this.cursor);
            if (batch.length === 0) break;
            for (const event of batch) {
              if (this.closed) return;
              if (await this.#mayReceive(event)) {
                await this.sink.send(event);
                this.hub.onDelivered?.(event);
              }
              this.cursor = event.id;
            }
          }
        } while (this.#again && !this.closed);
      } catch (err) {
        if (isDatabaseUnavailable(err) && !this.closed && !this.hub.closed) {
          // The database is restarting: the stream stays open, and carries on from its cursor
          // (the last event it sent) when the database answers again.
          this.#retry ??= setTimeout(() => {
            this.#retry = undefined;
            this.pump();
          }, EventHub.RETRY_MS);
          return;
        }
        this.close('error');
        if (!this.hub.closed) log.error({ err: errField(err) }, '[events] stream failed');
      } finally {
        this.#pumping = false;
      }
    })();
  }

  async #mayReceive(event: StoredEvent): Promise<boolean> {
    if (!(await this.#mayReceiveHere(event))) return false;
    // An event about a post (created, edited, commented, reacted to, reported, a mention in it) obeys the post's audience too.
    return mayHearOfPost(this.hub.db, this.actor.userId, event.payload);
  }

  /** Judged by the event's community and user (and the portal's own news). */
  async #mayReceiveHere(event: StoredEvent): Promise<boolean> {
    const me = this.actor.userId;
    // Changes that alter what this subscriber may read are applied before the event is judged.
    if ((event.type === 'user.status' || event.type === 'session.revoked') && event.userId === me) {
      const ended = event.type === 'session.revoked' && (event.payload.sessionId === undefined || event.payload.sessionId === this.sessionId);
      this.actor = await loadActor(this.hub.db, me);
      if (ended || this.actor.status !== 'active') {
        this.close('revoked');
        return false;
      }
      this.#access = null;
    }
    // What this subscriber may read changes only with their own membership or profile, or a
    // community's visibility; other events are judged against the cached answer.
    if (
      (event.userId === me && (event.type === 'membership.changed' || event.type === 'profile.changed')) ||
      (event.type === 'community.updated' && event.payload.accessChanged === true)
    ) {
      this.#access = null;
      if (event.type === 'profile.changed') this.actor = await loadActor(this.hub.db, me);
    }
    if (event.userId === me) {
      // A notice about content (a reply to a followed topic, a mention) reaches its user only while they may still read it.
      return event.content && event.communityId ? (await this.#accessTo(event.communityId)).content : true;
    }
    if (event.communityId) {
      const access = await this.#accessTo(event.communityId);
      return event.content ? access.content : access.readable;
    }
    if (event.userId !== null) return false;
    // The portal's own news (service status, announcements) reaches every active account; the rest needs JusticeConnect's gate.
    return PORTAL_EVENTS.has(event.type) ? this.actor.status === 'active' : gate(this.actor).allow === true;
  }

  /** Computes what this subscriber may read before its stream opens, so the first event costs no more than the next. */
  async warm(): Promise<void> {
    this.#access ??= await communityAccessMap(this.hub.db, this.actor);
  }

  /** The cached access to one community; a community not seen yet (say, just created) refreshes the cache once. */
  async #accessTo(communityId: string): Promise<CommunityAccess> {
    let access = this.#access?.get(communityId);
    if (!access) {
      this.#access = await communityAccessMap(this.hub.db, this.actor);
      access = this.#access.get(communityId) ?? { readable: false, content: false };
      this.#access.set(communityId, access);
    }
    return access;
  }

  close(reason: string) {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.#retry);
    this.hub.remove(this);
    this.sink.close(reason);
  }
}

/**
 * The process's live-event hub: learns of new events from the bus, keeps a
 * window of recent ones so a thousand streams cost one query, and lets each
 * subscriber pump from its own cursor (replay and live are the same path).
 */
export class EventHub {
  lastId = 0;
  closed = false;
  readonly subscribers = new Set<Subscriber>();
  #recent: StoredEvent[] = [];
  /** Told of each event written to a stream (the delivery-lag metric). */
  onDelivered: ((event: StoredEvent) => void) | null = null;
  #fetching: Promise<void> | null = null;
  #again = false;
  #retry: NodeJS.Timeout | undefined;
  static readonly WINDOW = 2000;
  /** How soon a read the database could not answer (it is restarting) is tried again. */
  static readonly RETRY_MS = 500;

  constructor(
    readonly db: Kysely<Database>,
    readonly bus: EventBus,
  ) {}

  async start(): Promise<void> {
    this.lastId = await lastEventId(this.db);
    this.bus.onWake(() => void this.wake());
  }

  /** New events were committed (here or in another process): fetch them once, then let every stream pump. */
  wake(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.#fetching) {
      this.#again = true;
      return this.#fetching;
    }
    let finished!: () => void;
    this.#fetching = new Promise<void>((resolve) => (finished = resolve));
    const fetching = this.#fetching;
    void (async () => {
      try {
        do {
          this.#again = false;
          for (;;) {
            const fresh = await eventsAfter(this.db, this.lastId, 1000);
            if (fresh.length === 0) break;
            this.#recent.push(...fresh);
            if (this.#recent.length > EventHub.WINDOW) this.#recent.splice(0, this.#recent.length - EventHub.WINDOW);
            this.lastId = fresh[fresh.length - 1]!.id;
          }
          for (const s of this.subscribers) s.pump();
        } while (this.#again && !this.closed);
      } catch (err) {
        if (!this.closed) {
          logJobFailure(log, err, '[events] the database is not answering; reading new events again shortly', '[events] could not read new events');
          // Looked for again shortly, so no event waits for the next notification.
          this.#retry ??= setTimeout(() => {
            this.#retry = undefined;
            void this.wake();
          }, EventHub.RETRY_MS);
        }
      } finally {
        this.#fetching = null;
        finished();
      }
    })();
    return fetching;
  }

  /** Events after `cursor`: from the recent window when it reaches back that far, else from the database. */
  async eventsAfter(cursor: number): Promise<StoredEvent[]> {
    const first = this.#recent[0];
    if (first && cursor >= first.id - 1) {
      const out: StoredEvent[] = [];
      for (const e of this.#recent) if (e.id > cursor && e.id <= this.lastId) out.push(e);
      return out;
    }
    return (await eventsAfter(this.db, cursor, 500)).filter((e) => e.id <= this.lastId);
  }

  add(s: Subscriber) {
    this.subscribers.add(s);
  }

  remove(s: Subscriber) {
    this.subscribers.delete(s);
  }

  countFor(userId: string): number {
    let n = 0;
    for (const s of this.subscribers) if (s.actor.userId === userId) n++;
    return n;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.#retry);
    for (const s of [...this.subscribers]) s.close('shutdown');
    await this.bus.close();
  }
}
