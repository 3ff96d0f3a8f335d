import { expect } from '@open-wc/testing';
import { LitElement } from 'lit';
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
