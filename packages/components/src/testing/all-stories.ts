/**
 * Every `*.stories.ts` module, by its path under src/: the stories test and
 * the Spanish render test go through this one list. A browser cannot list a
 * folder, so manifest/stories.test.ts (`npm run test:manifest`) fails when a
 * stories file on disk is missing here, or this names a file that is gone.
 */
import type { StoriesModule } from './stories.js';
import * as activityTracker from '../activity-tracker/activity-tracker.stories.js';
import * as announcements from '../announcements/announcements.stories.js';
import * as communityFeed from '../community-feed/community-feed.stories.js';
import * as communityList from '../community-list/community-list.stories.js';
import * as forum from '../forum/forum.stories.js';
import * as forumThread from '../forum-thread/forum-thread.stories.js';
import * as myTodos from '../my-todos/my-todos.stories.js';
import * as provider from '../provider/provider.stories.js';
import * as serviceDirectory from '../service-directory/service-directory.stories.js';
import * as signIn from '../sign-in/sign-in.stories.js';

export const STORIES: Record<string, StoriesModule> = {
  'activity-tracker/activity-tracker.stories.ts': activityTracker,
  'announcements/announcements.stories.ts': announcements,
  'community-feed/community-feed.stories.ts': communityFeed,
  'community-list/community-list.stories.ts': communityList,
  'forum/forum.stories.ts': forum,
  'forum-thread/forum-thread.stories.ts': forumThread,
  'my-todos/my-todos.stories.ts': myTodos,
  'provider/provider.stories.ts': provider,
  'service-directory/service-directory.stories.ts': serviceDirectory,
  'sign-in/sign-in.stories.ts': signIn,
};
