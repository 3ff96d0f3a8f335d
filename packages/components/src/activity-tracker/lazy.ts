/*
 * What the tracker loads once the activity shows to a member (who may change
 * it), not before: the update form's Markdown editor and the community's
 * member list. One small chunk of the tracker's own that imports the shared
 * ones (a dynamic import of a shared module would add to every widget that loads it).
 */
import { css } from 'lit';
import { markdownEditorStyles as editorStyles } from '../shared/markdown-editor.js';

export { MarkdownEditor } from '../shared/markdown-editor.js';
export { communityEndpoints } from '../api/communities.js';

/** The editor's styles, and its text area as wide as the update form (only the form that loads here has one). */
export const markdownEditorStyles = css`
  ${editorStyles}
  .md-panel textarea {
    width: 100%;
  }
`;
