import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';

/** Why {@link resolveRequestPath} refused a request target, with the HTTP status to answer. */
export interface RefusedPath {
  readonly ok: false;
  /** 400 for a malformed target, 403 for one that points outside the app folder, 404 for no file. */
  readonly status: 400 | 403 | 404;
  readonly reason: string;
}

/** A request target that names a regular file inside the app folder. */
export interface ResolvedPath {
  readonly ok: true;
  /** The file's real path (symlinks resolved), inside the real path of the app folder. */
  readonly file: string;
  readonly size: number;
  /** Last modification time (ms since the epoch), for the `ETag`. */
  readonly mtimeMs: number;
}

/**
 * Maps an HTTP request target (`req.url`, e.g. `/train.html?seed=3`) to a regular file under `root`,
 * or says why not. Refused: anything but an origin-form target starting with one `/`; NUL or a
 * backslash, raw or percent-encoded; an encoded slash (`%2f`); a `.` or `..` segment, raw or encoded
 * (`%2e%2e`); a malformed escape; a file whose real path (symlinks followed) is not inside the real
 * path of `root`; directories (no listings). `/` serves `/index.html`.
 *
 * @param root - the app folder (need not be a real path)
 * @param target - the request target as received
 * @returns `{ok: true, file, size}` or `{ok: false, status, reason}`
 * @example
 * ```ts
 * resolveRequestPath('dist/web', '/index.html'); // {ok: true, file: '/…/dist/web/index.html', size: …}
 * resolveRequestPath('dist/web', '/%2e%2e/package.json'); // {ok: false, status: 400, …}
 * ```
 */
export function resolveRequestPath(root: string, target: string): ResolvedPath | RefusedPath {
  const refuse = (status: 400 | 403 | 404, reason: string): RefusedPath => ({ ok: false, status, reason });
  if (!target.startsWith('/') || target.startsWith('//')) return refuse(400, 'not an origin-form path');
  const raw = target.split(/[?#]/, 1)[0];
  if (/%(2f|5c|00)/i.test(raw)) return refuse(400, 'encoded slash, backslash or NUL');
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return refuse(400, 'malformed percent-encoding');
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return refuse(400, 'NUL or backslash');
  const segments = decoded.split('/').slice(1);
  if (segments.some((s) => s === '.' || s === '..')) return refuse(400, 'dot segment');
  if (decoded.endsWith('/') && decoded !== '/') return refuse(404, 'directory');
  const relativePath = decoded === '/' ? 'index.html' : segments.join('/');
  let realRoot: string;
  let real: string;
  try {
    realRoot = realpathSync(root);
    real = realpathSync(join(realRoot, relativePath));
  } catch {
    return refuse(404, 'no such file');
  }
  const rel = relative(realRoot, real);
  if (rel === '' || rel.startsWith('..' + sep) || rel === '..' || isAbsolute(rel))
    return refuse(403, 'outside the app folder');
  const stat = statSync(real, { throwIfNoEntry: false });
  if (stat === undefined || !stat.isFile()) return refuse(404, 'not a file');
  return { ok: true, file: real, size: stat.size, mtimeMs: stat.mtimeMs };
}
