/* The portal's announcements (packages/server/src/announcements/). */

import { call, type ApiTransport } from './transport.js';
import { OkSchema } from './base-schemas.js';
import { AnnouncementListSchema, type Announcement } from './service-schemas.js';

export const announcementEndpoints = {
  /** The announcements showing now, most severe first: for everyone when signed out, and the user's own audience's when signed in (less those they dismissed). */
  async listAnnouncements(this: ApiTransport): Promise<Announcement[]> {
    return (await call(this, '/api/v1/announcements', AnnouncementListSchema)).items;
  },

  /** Hides an announcement for the signed-in user (409 NOT_DISMISSIBLE for an emergency). */
  async dismissAnnouncement(this: ApiTransport, id: string): Promise<void> {
    await call(this, `/api/v1/announcements/${encodeURIComponent(id)}/dismiss`, OkSchema, 'POST');
  },
};
