import { activityEndpoints } from '../api/activities.js';
import { announcementEndpoints } from '../api/announcements.js';
import type { ApiClient } from '../api/client.js';
import { communityEndpoints } from '../api/communities.js';
import { forumEndpoints } from '../api/forums.js';
import { postEndpoints } from '../api/posts.js';
import { replyEndpoints } from '../api/replies.js';
import { serviceEndpoints } from '../api/services.js';
import { addEndpoints, type ApiTransport } from '../api/transport.js';

/**
 * A context's transport with every resource's endpoints, for a test that
 * drives the server as another user would (a widget's own client has only the
 * endpoints it names).
 */
export function fullApi(api: ApiTransport): ApiClient {
  addEndpoints(communityEndpoints, postEndpoints, forumEndpoints, replyEndpoints, activityEndpoints, serviceEndpoints, announcementEndpoints);
  return api as ApiClient;
}
