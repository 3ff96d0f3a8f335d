import { expect } from '@open-wc/testing';
import { ApiClient, INTERACTION_WINDOW_MS } from './client.js';

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
