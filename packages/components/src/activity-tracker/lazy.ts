/*
 * What the tracker loads once the activity shows to a member (who may change
 * it), not before: the update form's Markdown editor and the community's
 * member list. One small chunk of the tracker's own that imports the shared
 * ones (a dynamic import of a shared module would add to every widget that loads it).
 */
export { MarkdownEditor, markdownEditorStyles } from '../shared/markdown-editor.js';
export { communityEndpoints } from '../api/communities.js';
