import { activityEndpoints } from './activities.js';
import { announcementEndpoints } from './announcements.js';
import { communityEndpoints } from './communities.js';
import { forumEndpoints } from './forums.js';
import { postEndpoints } from './posts.js';
import { replyEndpoints } from './replies.js';
import { serviceEndpoints } from './services.js';
import { ApiTransport, type ApiClientOptions } from './transport.js';

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

/*
 * Every resource's endpoints are in the bundle of anything that uses
 * `ApiClient`. A widget that should bundle only its own resources would add
 * just those objects to the transport's prototype, e.g.
 * `Object.assign(ApiTransport.prototype, postEndpoints)`, and type its
 * `api` as `ApiTransport & Endpoints<typeof postEndpoints>`: the calls stay
 * `api.listPosts(ref)`, and the compiler refuses an endpoint the widget did
 * not ask for.
 */

/**
 * The typed client every widget talks through: the transport (requests, the
 * bearer token, the sign-in steps and the session; see `ApiTransport`) with
 * every resource's endpoints as methods.
 */
export interface ApiClient
  extends Endpoints<typeof communityEndpoints>,
    Endpoints<typeof postEndpoints>,
    Endpoints<typeof forumEndpoints>,
    Endpoints<typeof replyEndpoints>,
    Endpoints<typeof activityEndpoints>,
    Endpoints<typeof serviceEndpoints>,
    Endpoints<typeof announcementEndpoints> {}
export class ApiClient extends ApiTransport {
  constructor(options: ApiClientOptions) {
    super(options);
    // Added by the first client made, not when this module loads: code that imports only
    // `ApiError` from here (not `ApiClient`) then bundles none of the endpoints.
    if (!Object.hasOwn(ApiClient.prototype, 'listCommunities')) {
      Object.assign(ApiClient.prototype, communityEndpoints, postEndpoints, forumEndpoints, replyEndpoints, activityEndpoints, serviceEndpoints, announcementEndpoints);
    }
  }
}

/** A resource's endpoints as methods of a transport (`this` is the transport). */
export type Endpoints<M> = { [K in keyof M]: M[K] extends (this: ApiTransport, ...args: infer A) => infer R ? (...args: A) => R : never };
