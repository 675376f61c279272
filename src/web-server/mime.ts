import { extname } from 'node:path';

/** Content types of the files the lab serves, by lower-case extension. */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.bin': 'application/octet-stream',
};

/**
 * The `Content-Type` of a file name: from {@link MIME_TYPES}, else `application/octet-stream` (served
 * with `X-Content-Type-Options: nosniff`, so a browser never guesses a script type).
 *
 * @example
 * ```ts
 * contentType('tfjs-backend-wasm-simd.wasm'); // 'application/wasm'
 * ```
 */
export function contentType(file: string): string {
  return MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}
