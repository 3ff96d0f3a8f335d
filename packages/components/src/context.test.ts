import { expect } from '@open-wc/testing';
import { LitElement } from 'lit';
import { announcementEndpoints } from './api/announcements.js';
import { ApiTransport, type ClientWith } from './api/client.js';
import { JcController } from './context.js';
import { testConfig } from './testing/server.js';

/** A widget stand-in: an `api` like every widget's, and the controller that finds its server. */
class ApiProbe extends LitElement {
  static override properties = { api: {} };
  declare api: string | undefined;
  readonly jc = new JcController(this);
}
customElements.define('jc-test-api-probe', ApiProbe);

describe('a widget outside jc-provider', () => {
  it('uses the server its api attribute names', async () => {
    const { crossOriginApi } = await testConfig();
    const el = document.createElement('jc-test-api-probe') as ApiProbe;
    el.setAttribute('api', crossOriginApi);
    document.body.append(el);
    try {
      expect(el.jc.api.baseUrl).to.equal(new URL(crossOriginApi).origin);
    } finally {
      el.remove();
    }
  });

  it('uses the server its api property names, as React 19 and Vue set it', async () => {
    const { crossOriginApi } = await testConfig();
    const el = document.createElement('jc-test-api-probe') as ApiProbe;
    el.api = crossOriginApi;
    document.body.append(el);
    try {
      expect(el.getAttribute('api')).to.equal(null);
      expect(el.jc.api.baseUrl).to.equal(new URL(crossOriginApi).origin);
    } finally {
      el.remove();
    }
  });
});

/** A widget stand-in that names the one resource it calls. */
class AnnouncementsProbe extends LitElement {
  readonly jc = new JcController(this, announcementEndpoints);
}
customElements.define('jc-test-announcements-probe', AnnouncementsProbe);

describe('a widget that names its resources', () => {
  it('gets a client with only their endpoints, typed and at run time, which a bare transport then has too', async () => {
    const el = document.createElement('jc-test-announcements-probe') as AnnouncementsProbe;
    document.body.append(el);
    try {
      const api = el.jc.api;
      expect(await api.listAnnouncements()).to.be.an('array');
      // @ts-expect-error: the widget did not name the posts resource.
      expect(api.listPosts).to.equal(undefined, 'the context makes a bare transport: it has only the endpoints the page\'s widgets name');
      const bare = new ApiTransport({ baseUrl: location.origin, storage: null }) as ClientWith<[typeof announcementEndpoints]>;
      expect(bare.listAnnouncements).to.equal(announcementEndpoints.listAnnouncements);
      expect((bare as unknown as Record<string, unknown>).listPosts).to.equal(undefined, 'only the named resources are added to the transport');
    } finally {
      el.remove();
    }
  });
});
