/* The portal's service directory, My Services and access requests (packages/server/src/services/). */

import { call, type ApiTransport } from './transport.js';
import { service } from './paths.js';
import { AccessRequestListSchema, AccessRequestSchema, ServiceListSchema, ServiceSchema, type AccessRequest, type Service } from './service-schemas.js';

export const serviceEndpoints = {
  /** The service directory as the signed-in user sees it: My Services first in their order, then the rest; `url` is null where they lack access. */
  async listServices(this: ApiTransport): Promise<Service[]> {
    return (await call(this, '/api/v1/services', ServiceListSchema)).items;
  },

  /** One service, as the signed-in user sees it. */
  async getService(this: ApiTransport, id: string): Promise<Service> {
    return call(this, service(id), ServiceSchema);
  },

  /** Adds a service to My Services (last), or (`on` false) takes it out; answers the whole directory. */
  async setFavorite(this: ApiTransport, id: string, on: boolean): Promise<Service[]> {
    return (await call(this, `${service(id)}/favorite`, ServiceListSchema, on ? 'PUT' : 'DELETE')).items;
  },

  /** Sets My Services to exactly these services, in this order; answers the whole directory. */
  async setFavoriteOrder(this: ApiTransport, serviceIds: string[]): Promise<Service[]> {
    return (await call(this, '/api/v1/me/favorites', ServiceListSchema, 'PUT', { serviceIds })).items;
  },

  /** Asks a site administrator for access to a service (409 ALREADY_REQUESTED while one is pending). */
  async requestAccess(this: ApiTransport, id: string, note?: string): Promise<AccessRequest> {
    return call(this, `${service(id)}/access-requests`, AccessRequestSchema, 'POST', note ? { note } : {});
  },

  /** The signed-in user's access requests, newest first. */
  async myAccessRequests(this: ApiTransport): Promise<AccessRequest[]> {
    return (await call(this, '/api/v1/me/access-requests', AccessRequestListSchema)).items;
  },
};
