/**
 * The folder of tfjs-backend-wasm's binaries in the built lab (copied by scripts/build-web.ts), for
 * `setupBackend('wasm', {wasmPaths})`. The lab is not cross-origin isolated, so browsers give it no
 * SharedArrayBuffer and tfjs picks its single-threaded SIMD build, whose unshared memory segloss' heap
 * kernels bind to.
 */
export function wasmPaths(base: string): string {
  return new URL('./wasm/', base).href;
}
