import * as activities from './activities.js';
import * as announcements from './announcements.js';
import * as communities from './communities.js';
import * as forums from './forums.js';
import * as posts from './posts.js';
import * as replies from './replies.js';
import * as services from './services.js';
import { ApiTransport } from './transport.js';

export {
  ApiError,
  ApiTransport,
  INTERACTION_WINDOW_MS,
  SIGN_IN_CODES,
  userIsActive,
  type ApiClientOptions,
  type AuthErrorDetail,
  type Enrolment,
  type RequestOptions,
} from './transport.js';
export type { JoinResult } from './communities.js';
export type { PostCreateResult } from './posts.js';
export type { TopicCreateResult } from './forums.js';
export type { ReplyCreateResult } from './replies.js';

/**
 * The API's endpoints, one module a resource, each a function of the
 * transport: `listPosts(api, ref)`. A module bundles only its own schemas, so
 * code that imports the functions it calls bundles only those.
 */
const resources = [communities, posts, forums, replies, activities, services, announcements];

/** A resource module's endpoints as methods: `listPosts(api, ref)` is `client.listPosts(ref)`. */
type Methods<M> = { [K in keyof M]: M[K] extends (api: ApiTransport, ...args: infer A) => infer R ? (...args: A) => R : never };

/**
 * The typed client every widget talks through: the transport (requests, the
 * bearer token, the sign-in steps and the session; see `ApiTransport`) with
 * every resource's endpoints as methods.
 */
export interface ApiClient
  extends Methods<typeof communities>,
    Methods<typeof posts>,
    Methods<typeof forums>,
    Methods<typeof replies>,
    Methods<typeof activities>,
    Methods<typeof services>,
    Methods<typeof announcements> {}
export class ApiClient extends ApiTransport {}

for (const resource of resources) {
  for (const [name, endpoint] of Object.entries(resource) as [string, (api: ApiTransport, ...args: unknown[]) => unknown][]) {
    Object.defineProperty(ApiClient.prototype, name, {
      value(this: ApiClient, ...args: unknown[]) {
        return endpoint(this, ...args);
      },
      writable: true,
      configurable: true,
    });
  }
}
