import { expect } from '@open-wc/testing';
import { ApiClient, INTERACTION_WINDOW_MS } from './client.js';
import { createActiveUser, signInSession, signOutPage } from '../testing/server.js';

/*
 * The idle timeout is about the person: requests the page makes on its own
 * (live refreshes) are marked, so the server does not count them as activity.
 */
describe('ApiClient activity', () => {
  it('marks a request long after the last key press or click as the page’s own, and does not count it as activity', async () => {
    const seen: Headers[] = [];
    const fetcher = async (_input: RequestInfo | URL, init?: RequestInit) => {
      seen.push(new Headers(init?.headers));
      return new Response('{}', { headers: { 'content-type': 'application/json' } });
    };
    const client = new ApiClient({ baseUrl: location.origin, fetch: fetcher as typeof fetch, storage: null });
    document.body.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true }));
    await client.request('/api/v1/me');
    expect(seen[0]!.get('x-jc-background')).to.equal(null);
    const counted = client.lastActivity;
    expect(counted).to.be.greaterThan(0);
    const realNow = Date.now;
    const later = realNow() + INTERACTION_WINDOW_MS + 1000;
    Date.now = () => later;
    try {
      await client.request('/api/v1/me');
    } finally {
      Date.now = realNow;
    }
    expect(seen[1]!.get('x-jc-background')).to.equal('1');
    expect(client.lastActivity).to.equal(counted, 'a background request does not move the idle deadline');
  });
});

/*
 * Against the real server: pages are no-store, so the client keeps the last
 * answer in memory and revalidates it with If-None-Match.
 */
describe('ApiClient revalidation', () => {
  // The client signs this page's own cookie in: sign it out, or the next test file starts signed in as this user.
  afterEach(signOutPage);

  it('asks again with the ETag it was given, takes a 304 as the page it kept, and forgets pages at sign-out', async () => {
    const statuses: number[] = [];
    const sent: Headers[] = [];
    const fetcher = async (input: RequestInfo | URL, init?: RequestInit) => {
      sent.push(new Headers(init?.headers));
      const response = await fetch(input, init);
      statuses.push(response.status);
      return response;
    };
    const client = new ApiClient({ baseUrl: location.origin, fetch: fetcher as typeof fetch, storage: null });
    const user = await createActiveUser('Revalidating Officer');
    await signInSession(client, user);
    const first = await client.listCommunities();
    const at = statuses.length;
    const second = await client.listCommunities();
    expect(sent[at]!.get('if-none-match')).to.match(/^"[A-Za-z0-9_-]+"$/);
    expect(statuses[at]).to.equal(304);
    expect(second).to.deep.equal(first);
    await client.signOut();
    await signInSession(client, user);
    const after = statuses.length;
    await client.listCommunities();
    expect(sent[after]!.get('if-none-match')).to.equal(null, 'nothing kept across a sign-out');
    expect(statuses[after]).to.equal(200);
  });
});
