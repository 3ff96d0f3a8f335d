import { activityEndpoints } from './activities.js';
import { announcementEndpoints } from './announcements.js';
import { communityEndpoints } from './communities.js';
import { forumEndpoints } from './forums.js';
import { postEndpoints } from './posts.js';
import { replyEndpoints } from './replies.js';
import { serviceEndpoints } from './services.js';
import { ApiTransport, type ApiClientOptions, type Endpoints } from './transport.js';

export { addEndpoints, type ClientWith, type Endpoints } from './transport.js';
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
 * Every resource's endpoints are in the bundle of anything that makes an
 * `ApiClient`. Code that should bundle only the resources it calls names them
 * instead (`new JcController(this, postEndpoints)` in a widget, or
 * `addEndpoints`): its client is typed `ClientWith<[typeof postEndpoints]>`,
 * the calls stay `api.listPosts(ref)`, and the compiler refuses an endpoint
 * it did not name.
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
    // Added when a client is made, not when this module loads: code that imports only
    // `ApiError` from here (not `ApiClient`) then bundles none of the endpoints.
    Object.assign(ApiClient.prototype, communityEndpoints, postEndpoints, forumEndpoints, replyEndpoints, activityEndpoints, serviceEndpoints, announcementEndpoints);
  }
}
