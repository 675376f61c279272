/**
 * The instance of heap-kernels.wat for tfjs' wasm backend: the module imports the backend's own
 * memory, so its kernels read and write tensors where they live (no copies).
 *
 * The memory is found as the export `memory` of tfjs-backend-wasm's module (`backend.wasm.asm`, tfjs
 * 4.22); where it is not found (another version, or another backend) {@link heapKernels} returns null
 * and callers keep their JavaScript paths.
 */
import { HEAP_KERNELS_WASM } from './heap-kernels-module.js';
import { instantiateBase64, simdKernels } from './simd-instance.js';

/** The functions that heap-kernels.wat exports (pointers are byte offsets in tfjs' heap). */
export interface HeapKernelExports {
  /** `[Σ x·0, min, max]` of `n` floats at `x` (the first is 0 when all are finite, else NaN). */
  summary(x: number, n: number): [number, number, number];
  /** `out[j] = Σ_i x[i·cols + j]` for a `[rows, cols]` float32 matrix; `out` overwritten. */
  colSums(x: number, rows: number, cols: number, out: number): void;
  /** `out[j] = Σ_i (x[i, j] − mean[j])²`; cols a multiple of 4. */
  colSqDev(x: number, rows: number, cols: number, mean: number, out: number): void;
  /** `out[j] = Σ_i dy[i, j] · (x[i, j] − mean[j])`; cols a multiple of 4. */
  colDotDev(dy: number, x: number, rows: number, cols: number, mean: number, out: number): void;
  /** `out[i, j] = a[j] · x[i, j] + b[j]`; cols a multiple of 4. */
  affine(x: number, rows: number, cols: number, a: number, b: number, out: number): void;
  /** `out[i, j] = a[j] · dy[i, j] + b[j] · x[i, j] + c[j]`; cols a multiple of 4. */
  affine2(
    dy: number,
    x: number,
    rows: number,
    cols: number,
    a: number,
    b: number,
    c: number,
    out: number,
  ): void;
  /** 2x2/2 max-pooling gradient over `rows` pooled rows of `ow` windows, `c` (multiple of 4) channels. */
  pool2x2Grad(x: number, dy: number, dx: number, rows: number, ow: number, c: number, w: number): void;
  /** x2 nearest up-sampling gradient: 2x2 block sums of `dy` (width `w`) into `rows` x `ow` cells. */
  up2x2Grad(dy: number, dx: number, rows: number, ow: number, c: number, w: number): void;
}

const instances = new WeakMap<WebAssembly.Memory, HeapKernelExports | null>();

/** tfjs-backend-wasm's memory, or undefined when `backend` does not expose it. */
function backendMemory(backend: unknown): WebAssembly.Memory | undefined {
  const memory = (backend as { wasm?: { asm?: { memory?: unknown } } } | null)?.wasm?.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}

/**
 * The heap kernels bound to `backend`'s memory (instantiated once per memory), or null when the
 * backend does not expose its memory, the engine lacks wasm SIMD, or segloss' SIMD kernels are
 * switched off (`useSimdKernels(false)`).
 *
 * @example
 * ```ts
 * const k = heapKernels(tf.backend());
 * if (k !== null) k.colSums(xOffset, rows, cols, outOffset);
 * ```
 */
export function heapKernels(backend: unknown): HeapKernelExports | null {
  if (simdKernels() === null) return null;
  const memory = backendMemory(backend);
  if (memory === undefined) return null;
  let k = instances.get(memory);
  if (k === undefined) {
    k = instantiateBase64<HeapKernelExports>(HEAP_KERNELS_WASM, { tfjs: { memory } });
    instances.set(memory, k);
  }
  return k;
}
