/**
 * Builds the browser lab: bundles `web/*.ts` (the pages, the training worker and its step workers,
 * which import the library from `src/`) with esbuild into `dist/web/`, copies the pages' HTML and CSS, and copies
 * tfjs-backend-wasm's `.wasm` binaries into `dist/web/wasm/` (the pages pass that folder to
 * `setWasmPaths`). The folder is built beside the old one and swapped in at the end.
 *
 * Usage: `node --import tsx scripts/build-web.ts` (part of `npm run build`); prints the bundle sizes.
 */
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB = join(ROOT, 'web');
/** Where the lab is built (served by `segloss lab`). */
export const WEB_OUT = join(ROOT, 'dist', 'web');

/** The bundled entry points: output name -> source. */
export const ENTRY_POINTS: Record<string, string> = {
  post: join(WEB, 'post.ts'),
  train: join(WEB, 'train.ts'),
  'train-worker': join(WEB, 'train-worker.ts'),
  'step-worker': join(WEB, 'step-worker.ts'),
  kernels: join(WEB, 'kernels.ts'),
};

/** The folder of tfjs-backend-wasm's `.wasm` files. */
function wasmDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

/** Builds the lab into {@link WEB_OUT}; returns each output file's size in bytes. */
export async function buildWeb(): Promise<Record<string, number>> {
  const tmp = `${WEB_OUT}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'wasm'), { recursive: true });
  await build({
    entryPoints: ENTRY_POINTS,
    outdir: tmp,
    bundle: true,
    format: 'esm',
    // Code shared by the pages and the (module) worker, TensorFlow.js above all, goes into chunks that
    // the browser downloads once.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  for (const f of readdirSync(WEB)) {
    if (f.endsWith('.html') || f.endsWith('.css')) copyFileSync(join(WEB, f), join(tmp, f));
  }
  for (const f of readdirSync(wasmDir())) {
    // The threaded build is left out: setupBackend keeps tfjs on its single-threaded build also in the
    // cross-origin-isolated lab (segloss' heap kernels bind to unshared memory).
    if (f.endsWith('.wasm') && !f.includes('threaded'))
      copyFileSync(join(wasmDir(), f), join(tmp, 'wasm', f));
  }
  if (existsSync(WEB_OUT)) rmSync(WEB_OUT, { recursive: true, force: true });
  renameSync(tmp, WEB_OUT);
  const sizes: Record<string, number> = {};
  const walk = (dir: string, prefix: string) => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p, `${prefix}${f}/`);
      else sizes[`${prefix}${f}`] = statSync(p).size;
    }
  };
  walk(WEB_OUT, '');
  return sizes;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const sizes = await buildWeb();
  const js = Object.entries(sizes).filter(([f]) => f.endsWith('.js'));
  const kb = (b: number) => `${(b / 1024).toFixed(0)} KiB`;
  console.log(`lab built in dist/web: ${js.map(([f, b]) => `${f} ${kb(b)}`).join(', ')}`);
}
