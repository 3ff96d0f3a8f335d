/* The portal's service directory, My Services and access requests (packages/server/src/routes/services.ts). */

import { call, type ApiTransport } from './transport.js';
import { service } from './paths.js';
import { AccessRequestListSchema, AccessRequestSchema, ServiceListSchema, ServiceSchema, type AccessRequest, type Service } from './service-schemas.js';

/** The service directory as the signed-in user sees it: My Services first in their order, then the rest; `url` is null where they lack access. */
export async function listServices(api: ApiTransport): Promise<Service[]> {
  return (await call(api, '/api/v1/services', ServiceListSchema)).items;
}

/** One service, as the signed-in user sees it. */
export async function getService(api: ApiTransport, id: string): Promise<Service> {
  return call(api, service(id), ServiceSchema);
}

/** Adds a service to My Services (last), or (`on` false) takes it out; answers the whole directory. */
export async function setFavorite(api: ApiTransport, id: string, on: boolean): Promise<Service[]> {
  return (await call(api, `${service(id)}/favorite`, ServiceListSchema, on ? 'PUT' : 'DELETE')).items;
}

/** Sets My Services to exactly these services, in this order; answers the whole directory. */
export async function setFavoriteOrder(api: ApiTransport, serviceIds: string[]): Promise<Service[]> {
  return (await call(api, '/api/v1/me/favorites', ServiceListSchema, 'PUT', { serviceIds })).items;
}

/** Asks a site administrator for access to a service (409 ALREADY_REQUESTED while one is pending). */
export async function requestAccess(api: ApiTransport, id: string, note?: string): Promise<AccessRequest> {
  return call(api, `${service(id)}/access-requests`, AccessRequestSchema, 'POST', note ? { note } : {});
}

/** The signed-in user's access requests, newest first. */
export async function myAccessRequests(api: ApiTransport): Promise<AccessRequest[]> {
  return (await call(api, '/api/v1/me/access-requests', AccessRequestListSchema)).items;
}
