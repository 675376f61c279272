/**
 * The instance of segloss' own WebAssembly SIMD kernels (conv-grad.wat, compiled into
 * conv-grad-module.ts by scripts/build-wasm.ts) and the scratch memory they work in.
 *
 * The module has its own memory, separate from tfjs-backend-wasm's heap: a kernel copies its operands
 * in (the copy doubles as the zero padding the kernel needs), runs, and copies the result out. The
 * module is about 650 bytes, so it is compiled synchronously on first use (browsers allow synchronous
 * compilation of modules under 4 KB on the main thread).
 */
import { CONV_GRAD_WASM } from './conv-grad-module.js';

/** The functions that conv-grad.wat exports. */
export interface ConvGradExports {
  memory: WebAssembly.Memory;
  /** See conv-grad.wat: `out[t, ci, co] += Σ_q x_t[q, ci] · dy[q, co]`, byte pointers, i32 arguments. */
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
  /** See conv-grad.wat: the stride-1 input gradient over a padded `dy` grid, byte pointers. */
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

/** Largest scratch memory the kernels may use (bytes); callers fall back to other paths above it. */
export const MAX_SCRATCH_BYTES = 2 ** 30;

const PAGE = 65536;
let cached: ConvGradExports | null | undefined;

function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

let enabled = true;

/**
 * Turns segloss' SIMD conv-gradient kernels on or off (on by default). Off, the wasm backend's
 * `Conv2DBackpropFilter` and `Conv2DBackpropInput` use their tfjs-ops paths (XNNPACK matrix multiply
 * and convolution); for benchmarks and parity tests.
 *
 * @returns the previous setting.
 * @example
 * ```ts
 * const was = useSimdConvKernels(false); // time the tfjs-ops path
 * useSimdConvKernels(was);
 * ```
 */
export function useSimdConvKernels(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/**
 * The kernels' exports, instantiated on first call; null when switched off by
 * {@link useSimdConvKernels} or where this engine cannot compile the module (no WebAssembly, or no
 * SIMD: the callers then keep their tfjs-only paths).
 */
export function convGradWasm(): ConvGradExports | null {
  if (!enabled) return null;
  if (cached !== undefined) return cached;
  try {
    const module = new WebAssembly.Module(decodeBase64(CONV_GRAD_WASM));
    cached = new WebAssembly.Instance(module, {}).exports as unknown as ConvGradExports;
  } catch {
    cached = null;
  }
  return cached;
}

/**
 * Grows the kernels' memory to at least `bytes` and returns a float32 view of all of it (taken after
 * growing; a later call may invalidate it).
 */
export function scratchF32(wasm: ConvGradExports, bytes: number): Float32Array {
  const have = wasm.memory.buffer.byteLength;
  if (bytes > have) wasm.memory.grow(Math.ceil((bytes - have) / PAGE));
  return new Float32Array(wasm.memory.buffer);
}
