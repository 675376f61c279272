/**
 * The folder of tfjs-backend-wasm's binaries in the built lab (copied by scripts/build-web.ts), for
 * `setupBackend('wasm', {wasmPaths})`. The lab is cross-origin isolated (for the step workers' shared
 * memory), but setupBackend keeps tfjs on its single-threaded SIMD build, whose unshared memory
 * segloss' heap kernels bind to.
 *
 * @example `wasmPaths('http://127.0.0.1:5173/train-worker.js')` is `'http://127.0.0.1:5173/wasm/'`.
 */
export function wasmPaths(base: string): string {
  return new URL('./wasm/', base).href;
}
