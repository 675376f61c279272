/**
 * The instance of segloss' own WebAssembly SIMD kernels (simd-kernels.wat, compiled into
 * simd-kernels-module.ts by scripts/build-wasm.ts) and the scratch memory they work in.
 *
 * The module has its own memory, separate from tfjs-backend-wasm's heap: a kernel copies its operands
 * in (the copy doubles as the zero padding the kernel needs), runs, and copies the result out. The
 * module is about 1.3 KB, so it is compiled synchronously on first use (browsers allow synchronous
 * compilation of modules under 4 KB on the main thread).
 *
 * {@link useRelaxedSimd}`(true)` selects, where the engine has relaxed SIMD (Chrome 114+, Node 22+;
 * Node 20 only with `--experimental-wasm-relaxed-simd`), the variant built with `f32x4.relaxed_madd` (a
 * fused multiply-add on CPUs with FMA). It is off by default: its results differ in the last bits from
 * the plain build and between CPUs with and without FMA, and segloss keeps runs reproducible across
 * engines (the browser lab equals `segloss` in Node) and machines.
 */
import { SIMD_KERNELS_WASM } from './simd-kernels-module.js';
import { SIMD_KERNELS_RELAXED_WASM } from './simd-kernels-relaxed-module.js';

/** The functions that simd-kernels.wat exports. */
export interface SimdKernelExports {
  memory: WebAssembly.Memory;
  /** See simd-kernels.wat: `out[t, ci, co] += Σ_q x_t[q, ci] · dy[q, co]`, byte pointers, i32 arguments. */
  filterGrad(
    xTab: number,
    ntaps: number,
    dy: number,
    out: number,
    cells: number,
    cin: number,
    cout: number,
    block: number,
  ): void;
  /** See simd-kernels.wat: the stride-1 input gradient over a padded `dy` grid, byte pointers. */
  inputGrad(
    dy: number,
    offTab: number,
    ntaps: number,
    w: number,
    out: number,
    rows: number,
    inH: number,
    hg: number,
    wg: number,
    w4: number,
    cout: number,
    cin: number,
  ): void;
}

/** `v` rounded up to a multiple of `m` (operand padding to the kernels' tiles). */
export const roundUp = (v: number, m: number): number => Math.ceil(v / m) * m;

/** Largest scratch memory the kernels may use (bytes); callers fall back to other paths above it. */
export const MAX_SCRATCH_BYTES = 2 ** 30;

const PAGE = 65536;
let cached: SimdKernelExports | null | undefined;

/** The bytes of a base64 string (atob: Node 16+ and browsers). */
function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/**
 * Compiles a module given as base64 (synchronously: segloss' modules are under 4 KB) and instantiates it
 * with `imports`; null where this engine cannot (no WebAssembly, no SIMD, or an import that does not fit,
 * e.g. a shared memory).
 */
export function instantiateBase64<T>(b64: string, imports: WebAssembly.Imports): T | null {
  try {
    return new WebAssembly.Instance(new WebAssembly.Module(decodeBase64(b64)), imports)
      .exports as unknown as T;
  } catch {
    return null;
  }
}

let enabled = true;
let relaxedWanted = false;
let relaxedActive = false;

/**
 * Turns segloss' own wasm SIMD kernels on or off (on by default): the conv gradients of
 * simd-kernels.wat and the in-place heap kernels of heap-kernels.wat (value summary, column sums, batch
 * norm). Off, every caller takes its other path (tfjs ops, XNNPACK, or JavaScript loops), which the
 * tests use to check both and the benchmarks to show the gain.
 *
 * @returns the previous setting.
 * @example
 * ```ts
 * const was = useSimdKernels(false); // time the paths without segloss' SIMD kernels
 * useSimdKernels(was);
 * ```
 */
export function useSimdKernels(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/** Whether segloss' SIMD kernels are switched on ({@link useSimdKernels}); e.g. to start workers alike. */
export function simdKernelsEnabled(): boolean {
  return enabled;
}

/**
 * The kernels' exports, instantiated on first call; null when switched off by
 * {@link useSimdKernels} or where this engine cannot compile the module (no WebAssembly, or no
 * SIMD: the callers then keep their tfjs-only paths).
 */
export function simdKernels(): SimdKernelExports | null {
  if (!enabled) return null;
  if (cached === undefined) {
    const relaxed = relaxedWanted
      ? instantiateBase64<SimdKernelExports>(SIMD_KERNELS_RELAXED_WASM, {})
      : null;
    relaxedActive = relaxed !== null;
    cached = relaxed ?? instantiateBase64<SimdKernelExports>(SIMD_KERNELS_WASM, {});
  }
  return cached;
}

/**
 * Prefers or refuses (default) the relaxed-SIMD build of the kernels; takes effect at the next
 * {@link simdKernels} call (the instance is made again). Where the engine lacks relaxed SIMD the plain
 * build is used either way.
 *
 * @returns the previous setting.
 * @example
 * ```ts
 * const was = useRelaxedSimd(true); // fused multiply-adds where the engine has them
 * useRelaxedSimd(was);
 * ```
 */
export function useRelaxedSimd(on: boolean): boolean {
  const was = relaxedWanted;
  if (on !== was) cached = undefined;
  relaxedWanted = on;
  return was;
}

/** Whether the kernels instantiated by {@link simdKernels} are the relaxed-SIMD build. */
export function relaxedSimdActive(): boolean {
  return cached !== undefined && cached !== null && relaxedActive;
}

/**
 * Grows the kernels' memory to at least `bytes` and returns a float32 view of all of it (taken after
 * growing; a later call may invalidate it).
 */
export function scratchF32(wasm: SimdKernelExports, bytes: number): Float32Array {
  const have = wasm.memory.buffer.byteLength;
  if (bytes > have) wasm.memory.grow(Math.ceil((bytes - have) / PAGE));
  return new Float32Array(wasm.memory.buffer);
}
