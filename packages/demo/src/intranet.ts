/**
 * The intranet page's own glue, as a portal team would write it: the forum
 * links each topic to `?topic=ID` and the to-dos each activity to
 * `?activity=ID`; the thread and the tracker show the one chosen (the task
 * force's pinned schedule topic and its peak-times activity otherwise).
 */
const params = new URLSearchParams(location.search);
const choose = (selector: string, attribute: string, value: string | null) => {
  const el = document.querySelector(selector);
  if (el && value && /^[\w-]{1,100}$/.test(value)) el.setAttribute(attribute, value);
};
choose('jc-forum-thread', 'topic', params.get('topic'));
choose('jc-activity-tracker', 'activity', params.get('activity'));
