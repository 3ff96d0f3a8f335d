import { randomUUID } from 'node:crypto';
import { BASE_URL } from '../helpers.ts';
import type { ServerProcess } from './processes.ts';

/*
 * The clients of the chaos test (test/chaos.test.ts): writers that post into
 * a community and keep every acknowledgement, and live-event subscribers that
 * keep every event id they are sent, reconnecting with Last-Event-ID as a
 * browser's EventSource does. Both record every answer the server gave that
 * the test must judge: a 5xx other than 503, a 503 without Retry-After or
 * without the error shape, or a connection the server dropped.
 */

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the clients saw that a server riding out a database restart must never answer. */
export class Violations {
  readonly list: string[] = [];
  /** 503s answered (each with Retry-After and the error shape, or it is a violation too). */
  unavailable = 0;

  /** Judges a non-2xx answer; returns true when it is a proper 503 (the client waits and tries again). */
  async judge(what: string, res: Response): Promise<boolean> {
    const text = await res.text().catch(() => '');
    if (res.status !== 503) {
      this.list.push(`${what}: ${res.status} ${text.slice(0, 300)}`);
      return false;
    }
    this.unavailable++;
    let body: { error?: { code?: string; requestId?: string } } = {};
    try {
      body = JSON.parse(text);
    } catch {
      /* judged below */
    }
    if (!res.headers.get('retry-after')) this.list.push(`${what}: a 503 without Retry-After`);
    if (body.error?.code !== 'DATABASE_UNAVAILABLE') this.list.push(`${what}: a 503 not in the error shape: ${text.slice(0, 300)}`);
    else if (!body.error.requestId || body.error.requestId !== res.headers.get('x-request-id')) this.list.push(`${what}: a 503 without its request id`);
    return true;
  }
}

/**
 * One writer: posts into `slug` through `servers` in turn until stopped; each
 * post has a clientId, and is sent again (same clientId) after a 503 until it
 * is acknowledged. `acknowledged` gets each 2xx answer's post id.
 */
export async function writer(o: { servers: ServerProcess[]; cookie: string; slug: string; name: string; acknowledged: Set<string>; violations: Violations; stopped: () => boolean }) {
  let n = 0;
  while (!o.stopped()) {
    const clientId = randomUUID();
    const body = `${o.name} post ${++n}`;
    for (let attempt = 0; !o.stopped(); attempt++) {
      const server = o.servers[(n + attempt) % o.servers.length]!;
      let res: Response;
      try {
        res = await fetch(`${server.base}/api/v1/communities/${o.slug}/posts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: o.cookie, origin: BASE_URL },
          body: JSON.stringify({ body, clientId }),
        });
      } catch (err) {
        o.violations.list.push(`${o.name}: the connection failed (${(err as Error).message})`);
        await pause(200);
        continue;
      }
      if (res.status === 200 || res.status === 201) {
        o.acknowledged.add(((await res.json()) as { id: string }).id);
        break;
      }
      await o.violations.judge(`${o.name} POST posts`, res);
      await pause(150);
    }
  }
}

/** One live-event subscriber: every event id it was sent, in order, across reconnections. */
export interface Subscription {
  name: string;
  /** The stream's first cursor (`ready`'s lastEventId on the first connection). */
  start: number | null;
  ids: number[];
  /** Connections opened (1 when the stream never broke). */
  connections: number;
  /** Ends it (resolves once its last connection is closed). */
  stop(): Promise<void>;
}

/**
 * Opens `/api/v1/events` on `server` and keeps it open: when the stream ends
 * (or a connection fails) it connects again with Last-Event-ID set to the last
 * id it received, after a short pause; a 503 is judged and waited out.
 */
export function subscribe(o: { server: ServerProcess; cookie: string; name: string; violations: Violations }): Subscription {
  const abort = new AbortController();
  const sub: Subscription = { name: o.name, start: null, ids: [], connections: 0, stop: async () => {} };
  const running = (async () => {
    while (!abort.signal.aborted) {
      const last = sub.ids.at(-1) ?? sub.start;
      try {
        const res = await fetch(`${o.server.base}/api/v1/events`, {
          headers: { cookie: o.cookie, ...(last !== null ? { 'last-event-id': String(last) } : {}) },
          signal: abort.signal,
        });
        if (res.status !== 200) {
          await o.violations.judge(`${o.name} GET events`, res);
          await pause(200);
          continue;
        }
        sub.connections++;
        await read(res, sub);
      } catch (err) {
        if (abort.signal.aborted) break;
        o.violations.list.push(`${o.name}: the stream's connection failed (${(err as Error).message})`);
      }
      await pause(100);
    }
  })();
  sub.stop = async () => {
    abort.abort();
    await running;
  };
  return sub;
}

/** Reads one connection's frames until it ends, keeping the ids of events (and the first `ready`'s cursor). */
async function read(res: Response, sub: Subscription) {
  let buffer = '';
  for await (const chunk of res.body!.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let event = 'message';
      let id: string | undefined;
      let data = '';
      for (const line of frame.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('id: ')) id = line.slice(4);
        else if (line.startsWith('data: ')) data = line.slice(6);
      }
      if (event === 'ready' && sub.start === null) sub.start = (JSON.parse(data) as { lastEventId: number }).lastEventId;
      if (event === 'resync') throw new Error(`${sub.name} was told to resync: ${data}`);
      if (id !== undefined) sub.ids.push(Number(id));
    }
  }
}
