import assert from 'node:assert/strict';
import type { JusticeConnectApp } from '../src/app.ts';
import { OTHER_ORIGIN } from './helpers.ts';

/** A small Server-Sent Events reader for tests: reads a fetch Response's body as it arrives. */
export interface SseMessage {
  id?: string;
  event: string;
  data: any;
}

export class SseReader {
  readonly messages: SseMessage[] = [];
  comments = 0;
  ended = false;
  #buffer = '';
  #waiters: (() => void)[] = [];

  constructor(readonly response: Response) {
    void this.#read();
  }

  async #read() {
    const reader = this.response.body!.pipeThrough(new TextDecoderStream()).getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        this.#buffer += value;
        let cut: number;
        while ((cut = this.#buffer.indexOf('\n\n')) >= 0) {
          const block = this.#buffer.slice(0, cut);
          this.#buffer = this.#buffer.slice(cut + 2);
          this.#parse(block);
        }
      }
    } catch {
      /* aborted */
    }
    this.ended = true;
    this.#notify();
  }

  #parse(block: string) {
    const msg: SseMessage = { event: 'message', data: '' };
    let data = '';
    let any = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments++;
        continue;
      }
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      any = true;
      if (field === 'event') msg.event = value;
      else if (field === 'id') msg.id = value;
      else if (field === 'data') data += (data ? '\n' : '') + value;
    }
    if (!any) return this.#notify();
    msg.data = data ? JSON.parse(data) : null;
    this.messages.push(msg);
    this.#notify();
  }

  #notify() {
    const w = this.#waiters;
    this.#waiters = [];
    w.forEach((f) => f());
  }

  /** Waits until `test` holds of what has arrived (or fails after `ms`). */
  async until(test: () => boolean, what: string, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!test()) {
      if (this.ended) throw new Error(`stream ended while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.map((m) => m.event))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async next(event: string, where: (m: SseMessage) => boolean = () => true, ms?: number): Promise<SseMessage> {
    let found: SseMessage | undefined;
    await this.until(() => Boolean((found = this.messages.find((m) => m.event === event && where(m)))), event, ms);
    return found!;
  }

  events(type?: string) {
    return this.messages.filter((m) => m.id !== undefined && (!type || m.event === type));
  }
}

/** A live stream opened with a cookie or a bearer token (from its portal's origin), read past its `ready`. */
export async function openStream(app: JusticeConnectApp, credential: { cookie: string } | { token: string }) {
  const abort = new AbortController();
  const headers: Record<string, string> = 'cookie' in credential ? { cookie: credential.cookie } : { authorization: `Bearer ${credential.token}`, origin: OTHER_ORIGIN };
  const res = await app.app.request('/api/v1/events', { headers, signal: abort.signal });
  assert.equal(res.status, 200, res.status === 200 ? '' : await res.clone().text());
  const reader = new SseReader(res);
  await reader.next('ready');
  return { reader, close: () => abort.abort() };
}
