import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { contentType } from './mime.js';
import { resolveRequestPath } from './resolve-path.js';
import { LAB_CSP, LAB_ISOLATION_HEADERS, startLabServer, type LabServer } from './server.js';

// A served folder with a page, a wasm file, a sub-folder, a symlink leaving it and one staying inside;
// a secret file beside it that no request may read.
const base = mkdtempSync(join(tmpdir(), 'segloss-server-'));
const root = join(base, 'app');
mkdirSync(join(root, 'wasm'), { recursive: true });
writeFileSync(join(root, 'index.html'), '<!doctype html><p>lab</p>');
writeFileSync(join(root, 'wasm', 'k.wasm'), Buffer.from([0, 97, 115, 109, 1, 0, 0, 0]));
writeFileSync(join(base, 'secret.txt'), 'SECRET');
symlinkSync(join(base, 'secret.txt'), join(root, 'leak.txt'));
symlinkSync(join(root, 'index.html'), join(root, 'alias.html'));
let server: LabServer;

before(async () => {
  server = await startLabServer({ root, port: 0 });
});
after(async () => {
  await server.close();
  rmSync(base, { recursive: true, force: true });
});

/** A raw request (the path is sent exactly as given, unlike fetch, which normalises `..`). */
function raw(
  method: string,
  path: string,
  host = `127.0.0.1:${server.port}`,
  extra: Record<string, string> = {},
) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, method, path, headers: { host, ...extra } },
        (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}

test('GET / serves index.html with the CSP, nosniff and its content type', async () => {
  const r = await raw('GET', '/');
  assert.equal(r.status, 200);
  assert.equal(r.body, '<!doctype html><p>lab</p>');
  assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(r.headers['content-security-policy'], LAB_CSP);
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
  assert.match(LAB_CSP, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(LAB_CSP, /https?:|\*/); // no remote origin, no wildcard
});

test('.wasm is served as application/wasm; HEAD has the length and no body', async () => {
  const g = await raw('GET', '/wasm/k.wasm');
  assert.equal(g.headers['content-type'], 'application/wasm');
  const h = await raw('HEAD', '/wasm/k.wasm');
  assert.equal(h.status, 200);
  assert.equal(h.headers['content-length'], '8');
  assert.equal(h.body, '');
  // Revalidation: the same ETag gives 304 without a body.
  const etag = String(g.headers.etag);
  assert.match(etag, /^"8-[0-9a-f]+"$/);
  const again = await new Promise<number>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path: '/wasm/k.wasm', headers: { 'if-none-match': etag } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
  assert.equal(again, 304);
  assert.equal(contentType('a.JS'), 'text/javascript; charset=utf-8');
  assert.equal(contentType('x.unknown'), 'application/octet-stream');
});

test('methods other than GET and HEAD get 405 with Allow', async () => {
  for (const m of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
    const r = await raw(m, '/index.html');
    assert.equal(r.status, 405, m);
    assert.equal(r.headers.allow, 'GET, HEAD');
  }
});

test('traversal, encoded separators, NUL, absolute paths and outside symlinks are refused', async () => {
  const cases: [string, number][] = [
    ['/../secret.txt', 400],
    ['/wasm/../../secret.txt', 400],
    ['/%2e%2e/secret.txt', 400],
    ['/%2E%2E%2Fsecret.txt', 400],
    ['/wasm%2f..%2f..%2fsecret.txt', 400],
    ['/..%5csecret.txt', 400],
    ['/index.html%00.txt', 400],
    ['/%c0%ae%c0%ae/secret.txt', 400], // overlong UTF-8: malformed escape
    ['//etc/passwd', 400],
    [`${base}/secret.txt`, 404], // an absolute file-system path is looked up inside root
    ['http://127.0.0.1/secret.txt', 400],
    ['/leak.txt', 403],
    ['/wasm/', 404], // no directory listing
    ['/wasm', 404],
    ['/missing.html', 404],
  ];
  for (const [path, status] of cases) {
    const r = await raw('GET', path);
    assert.equal(r.status, status, path);
    assert.doesNotMatch(r.body, /SECRET/, path);
  }
  assert.equal((await raw('GET', '/alias.html')).status, 200); // a symlink inside root is fine
  const direct = resolveRequestPath(root, '/%2e%2e/secret.txt');
  assert.deepEqual(direct, { ok: false, status: 400, reason: 'dot segment' });
});

test('a loopback server refuses requests addressed to another host name (DNS rebinding)', async () => {
  assert.equal((await raw('GET', '/', 'evil.example:80')).status, 421);
  assert.equal((await raw('GET', '/', `localhost:${server.port}`)).status, 200);
});

test('by default the server does not answer on a non-loopback address', async (t) => {
  const external = Object.values(networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === 'IPv4' && !a.internal);
  if (external === undefined) {
    t.skip('this machine has no non-loopback IPv4 address');
    return;
  }
  const code = await new Promise<string>((resolve) => {
    const req = request({ host: external.address, port: server.port, path: '/', timeout: 3000 }, (res) => {
      res.resume();
      resolve(`answered ${res.statusCode}`);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    req.end();
  });
  assert.equal(code, 'ECONNREFUSED');
});

test('every answer is cross-origin isolated: COOP same-origin and COEP require-corp', async () => {
  assert.deepEqual(LAB_ISOLATION_HEADERS, {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
  });
  const etag = String((await raw('GET', '/wasm/k.wasm')).headers.etag);
  const answers: [string, number, Promise<{ status: number; headers: Record<string, unknown> }>][] = [
    ['GET /', 200, raw('GET', '/')],
    ['HEAD /wasm/k.wasm', 200, raw('HEAD', '/wasm/k.wasm')],
    ['GET /missing.html', 404, raw('GET', '/missing.html')],
    ['GET /leak.txt', 403, raw('GET', '/leak.txt')],
    ['GET /../secret.txt', 400, raw('GET', '/../secret.txt')],
    ['POST /', 405, raw('POST', '/')],
    ['GET / for another host', 421, raw('GET', '/', 'evil.example:80')],
    ['revalidation', 304, raw('GET', '/wasm/k.wasm', undefined, { 'if-none-match': etag })],
  ];
  for (const [what, status, answer] of answers) {
    const r = await answer;
    assert.equal(r.status, status, what);
    assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin', what);
    assert.equal(r.headers['cross-origin-embedder-policy'], 'require-corp', what);
  }
});

test('bad port and missing folder are one-line errors naming lab', async () => {
  await assert.rejects(startLabServer({ root, port: 70000 }), /segloss: lab: port is 70000/);
  await assert.rejects(
    startLabServer({ root: join(base, 'nope'), port: 0 }),
    /segloss: lab: .*nope does not exist; build the lab first/,
  );
});
