/**
 * JusticeConnect Widgets: importing this module defines every `jc-*` element.
 * Import one widget's entry (e.g. `@justiceconnect/components/sign-in`) to load only that.
 */
export { JcProvider } from './provider/provider.js';
export { JcSignIn } from './sign-in/sign-in.js';
export { ApiClient, ApiError } from './api/client.js';
export { SessionStore, type SessionState } from './api/session.js';
export type { Me, MePatch } from './api/schemas.js';
export { jcContext, type JcContextValue } from './context.js';
