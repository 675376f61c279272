/**
 * The lab's static HTTP server (Node only): safe path resolution, content types, the CSP, and opening
 * a browser. The pages it serves are built from `web/` by `npm run build` into `dist/web`.
 */
export { startLabServer, isLoopbackHost, LAB_CSP, type LabServer, type LabServerOptions } from './server.js';
export { resolveRequestPath, type ResolvedPath, type RefusedPath } from './resolve-path.js';
export { contentType, MIME_TYPES } from './mime.js';
export { labAppDir } from './app-dir.js';
export { openInBrowser } from './open-browser.js';
export { closeOnSignal } from './stop-on-signal.js';
