/**
 * The community page's glue, as a portal team would write it: the home page
 * links each community to `community.html?community=SLUG` (its list and the
 * service directory's community links); the feed and the forum show that
 * community, and the forum links each topic to `&topic=ID`, shown below it.
 */
const params = new URLSearchParams(location.search);
const valid = (value: string | null): value is string => value !== null && /^[\w-]{1,100}$/.test(value);
const community = params.get('community');
const topic = params.get('topic');
if (valid(community)) {
  document.querySelector('jc-community-feed')?.setAttribute('community', community);
  const forum = document.querySelector('jc-forum');
  forum?.setAttribute('community', community);
  forum?.setAttribute('topic-href', `/community.html?community=${community}&topic={id}#topic`);
  if (valid(topic)) {
    document.querySelector('jc-forum-thread')?.setAttribute('topic', topic);
    document.getElementById('topic')?.removeAttribute('hidden');
  }
} else {
  document.getElementById('community-title')!.textContent = 'Choose a community on the portal’s home page';
}
