import { createReadStream, existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fail, SeglossError } from '../core/errors.js';
import { contentType } from './mime.js';
import { resolveRequestPath } from './resolve-path.js';

/**
 * The Content-Security-Policy of every answer: only this origin's scripts, workers, styles and fetches;
 * `'wasm-unsafe-eval'` lets the page compile WebAssembly (tfjs' wasm backend and segloss' kernels) and
 * nothing else is evaluated; no remote origin anywhere; `blob:` only for images and downloads.
 */
export const LAB_CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' blob: data:",
  "style-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The headers that make the lab cross-origin isolated (`crossOriginIsolated` true in the page and its
 * workers), which browsers require before they give a page `SharedArrayBuffer` and so the lab's
 * data-parallel training steps: the page shares no browsing context group with other origins' windows
 * (COOP), and loads nothing cross-origin that does not opt in (COEP; the lab loads nothing
 * cross-origin at all). Sent with every answer.
 *
 * @example `LAB_ISOLATION_HEADERS['Cross-Origin-Embedder-Policy']` is `'require-corp'`.
 */
export const LAB_ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Options of {@link startLabServer}. */
export interface LabServerOptions {
  /** The folder served (the built lab, `dist/web`). */
  readonly root: string;
  /** TCP port; 0 picks a free one. Default 5173. */
  readonly port?: number;
  /** Address to bind. Default `127.0.0.1` (this machine only). */
  readonly host?: string;
}

/** A running lab server. */
export interface LabServer {
  /** `http://host:port/`, with the port actually bound. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Stops listening and ends open connections; resolves when the server is closed. */
  close(): Promise<void>;
}

const WHERE = 'lab';
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** True when `host` names only this machine. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function headers(type: string, length: number): Record<string, string | number> {
  return {
    'Content-Type': type,
    'Content-Length': length,
    'Content-Security-Policy': LAB_CSP,
    ...LAB_ISOLATION_HEADERS,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
}

function answerText(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}) {
  const body = `${status} ${text}\n`;
  res.writeHead(status, { ...headers('text/plain; charset=utf-8', Buffer.byteLength(body)), ...extra });
  res.end(body);
}

/** The request's Host header without its port (`[::1]` kept in brackets). */
function hostName(req: IncomingMessage): string {
  const h = req.headers.host ?? '';
  return h.startsWith('[') ? h.slice(0, h.indexOf(']') + 1) : h.split(':')[0];
}

function handler(root: string, loopbackOnly: boolean) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      answerText(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      return;
    }
    // A server bound to loopback answers only requests addressed to loopback names, so that a web page
    // elsewhere cannot reach it through a DNS name that it re-points at 127.0.0.1 (DNS rebinding).
    if (loopbackOnly && !isLoopbackHost(hostName(req))) {
      answerText(res, 421, 'misdirected request');
      return;
    }
    const found = resolveRequestPath(root, req.url ?? '');
    if (!found.ok) {
      answerText(res, found.status, found.status === 404 ? 'not found' : 'refused');
      return;
    }
    // Revalidation by ETag (size and modification time); the content-hashed chunks of the bundle
    // never change under their name, so browsers may keep them.
    const etag = `"${found.size.toString(16)}-${Math.floor(found.mtimeMs).toString(16)}"`;
    const cache = (req.url ?? '').startsWith('/chunks/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, {
        ETag: etag,
        'Cache-Control': cache,
        'Content-Security-Policy': LAB_CSP,
        ...LAB_ISOLATION_HEADERS,
      });
      res.end();
      return;
    }
    res.writeHead(200, {
      ...headers(contentType(found.file), found.size),
      ETag: etag,
      'Cache-Control': cache,
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(found.file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };
}

/**
 * Serves the built lab (`root`) over HTTP: GET and HEAD only (405 with `Allow` otherwise), files
 * resolved by {@link resolveRequestPath} (no traversal, no symlinks leaving `root`, no directory
 * listings), the content types of {@link contentType} (`.wasm` as `application/wasm`), the
 * {@link LAB_CSP} and {@link LAB_ISOLATION_HEADERS} headers on every answer, `ETag` revalidation (304), and long caching for the
 * content-hashed `/chunks/`. Bound to `127.0.0.1` unless `host` says otherwise; bound to a
 * loopback address it also refuses requests whose Host header is not a loopback name.
 *
 * @example
 * ```ts
 * const server = await startLabServer({ root: 'dist/web', port: 0 });
 * console.log(server.url); // http://127.0.0.1:41235/
 * await server.close();
 * ```
 */
export async function startLabServer(options: LabServerOptions): Promise<LabServer> {
  const { root, port = 5173, host = '127.0.0.1' } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(WHERE, `port is ${port}; expected an integer in [0, 65535]`);
  if (!existsSync(root)) fail(WHERE, `${root} does not exist; build the lab first (npm run build)`);
  const server: Server = createServer(handler(root, isLoopbackHost(host)));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL'
          ? new SeglossError(WHERE, `cannot listen on ${host}:${port} (${e.code})`)
          : e,
      ),
    );
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/`,
    host: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
