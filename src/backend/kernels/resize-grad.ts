import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, ResizeNearestNeighborGradAttrs, TensorInfo } from '@tensorflow/tfjs';
import { fail } from '../../core/errors.js';
import { f32, heapBackend } from './wasm-heap.js';
import { heapKernels } from '../wasm/heap-instance.js';

const WHERE = 'ResizeNearestNeighborGrad (wasm)';

/**
 * Source index along one axis for every output index of tfjs' nearest-neighbour resize (the forward
 * `ResizeNearestNeighbor` mapping): with `r = inSize / outSize` (or `(inSize-1)/(outSize-1)` under
 * `alignCorners` when `outSize > 1`), `src(o) = min(inSize-1, alignCorners ? round(f) : floor(f))`,
 * `f = halfPixelCenters ? r * (o + 0.5) : r * o`, clamped at 0 under `halfPixelCenters`.
 *
 * @example
 * ```ts
 * nearestSourceIndex(2, 4, false, false); // Int32Array [0, 0, 1, 1]
 * ```
 */
export function nearestSourceIndex(
  inSize: number,
  outSize: number,
  alignCorners: boolean,
  halfPixelCenters: boolean,
): Int32Array {
  const align = alignCorners && outSize > 1;
  const ratio = (align ? inSize - 1 : inSize) / (align ? outSize - 1 : outSize);
  const src = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const f = halfPixelCenters ? ratio * (o + 0.5) : ratio * o;
    let s = Math.min(inSize - 1, alignCorners ? Math.round(f) : Math.floor(f));
    if (halfPixelCenters) s = Math.max(0, s);
    src[o] = s;
  }
  return src;
}

/**
 * `ResizeNearestNeighborGrad` for tfjs' wasm backend: the exact adjoint of the forward nearest-neighbour
 * resize, so `<resize(x), dy> = <x, grad(dy)>` for all x, dy:
 * ```
 * dx[b, i, j, k] = sum over output pixels (y, x) with src_h(y) = i and src_w(x) = j of dy[b, y, x, k]
 * ```
 * Each output row is scattered once into its source row, channels innermost. tfjs' cpu backend mixes up
 * batch offsets for N > 1; this kernel is batch-exact.
 *
 * Inputs `images: [N, H, W, C]` (only its shape is used), `dy: [N, H', W', C]` float32; attrs
 * `alignCorners`, `halfPixelCenters`; output `dx: [N, H, W, C]`.
 */
export const resizeNearestNeighborGrad: KernelFunc = ({ inputs, attrs, backend }) => {
  const { images, dy } = inputs as { images: TensorInfo; dy: TensorInfo };
  const b = heapBackend(WHERE, backend);
  const out = b.makeOutput(images.shape.slice(), 'float32');
  const dx = f32(WHERE, 'dx', b, out);
  const g = f32(WHERE, 'dy', b, dy);
  const [n, h, w, c] = images.shape;
  // Exact x2 up-sampling with C a multiple of 4: the SIMD block sums of heap-kernels.wat, in place.
  const simd2x2 = (): boolean => {
    const k = heapKernels(backend);
    if (k === null || c % 4 !== 0) return false;
    k.up2x2Grad(g.byteOffset, dx.byteOffset, n * h, w, c, 2 * w);
    return true;
  };
  scatterNearest(g, dy.shape, dx, images.shape, attrs as unknown as ResizeNearestNeighborGradAttrs, simd2x2);
  return out;
};

/**
 * The loop of {@link resizeNearestNeighborGrad} over plain arrays: zeroes `dx` (shape `[N, H, W, C]`)
 * and adds every `dy[b, y, x, :]` (shape `[N, H', W', C]`) into `dx[b, src_h(y), src_w(x), :]`.
 * `blocks2x2`, when given, may do exact x2 up-sampling's 2x2 block sums itself (returning true).
 */
export function scatterNearest(
  g: Float32Array,
  dyShape: readonly number[],
  dx: Float32Array,
  xShape: readonly number[],
  attrs: { alignCorners: boolean; halfPixelCenters: boolean },
  blocks2x2?: () => boolean,
): void {
  const [n, h, w, c] = xShape;
  const [, oh, ow] = dyShape;
  const srcRow = nearestSourceIndex(h, oh, attrs.alignCorners, attrs.halfPixelCenters);
  const srcCol = nearestSourceIndex(w, ow, attrs.alignCorners, attrs.halfPixelCenters);
  const fy = oh / h;
  const fx = ow / w;
  if (isBlockMap(srcRow, fy) && isBlockMap(srcCol, fx)) {
    if (fy === 2 && fx === 2 && blocks2x2?.() === true) return;
    gatherBlocks(g, dx, n, h, w, c, fy, fx);
    return;
  }
  dx.fill(0);
  let gi = 0;
  for (let bi = 0; bi < n; bi++) {
    for (let y = 0; y < oh; y++) {
      const rowBase = (bi * h + srcRow[y]) * w;
      for (let x = 0; x < ow; x++, gi += c) {
        const base = (rowBase + srcCol[x]) * c;
        for (let k = 0; k < c; k++) dx[base + k] += g[gi + k];
      }
    }
  }
}

/** True when `src[o] = floor(o / f)` for an integer factor `f` (up-sampling by a whole factor). */
function isBlockMap(src: Int32Array, f: number): boolean {
  if (!Number.isInteger(f) || f < 1) return false;
  for (let o = 0; o < src.length; o++) if (src[o] !== Math.floor(o / f)) return false;
  return true;
}

/**
 * Whole-factor up-sampling (U-Net's x2): `dx[b, i, j, :]` is the sum of the `fy x fx` block of dy
 * starting at `(fy*i, fx*j)`, gathered and written once (no zero fill, no scattered accumulation).
 */
function gatherBlocks(
  g: Float32Array,
  dx: Float32Array,
  n: number,
  h: number,
  w: number,
  c: number,
  fy: number,
  fx: number,
): void {
  const dyRow = w * fx * c;
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < h; i++) {
      const r0 = (b * h + i) * fy * dyRow;
      for (let j = 0; j < w; j++, o += c) {
        const p0 = r0 + j * fx * c;
        if (fy === 2 && fx === 2) {
          const p1 = p0 + c;
          const p2 = p0 + dyRow;
          const p3 = p2 + c;
          for (let k = 0; k < c; k++) dx[o + k] = g[p0 + k] + g[p1 + k] + g[p2 + k] + g[p3 + k];
          continue;
        }
        for (let k = 0; k < c; k++) {
          let acc = 0;
          for (let u = 0; u < fy; u++) for (let v = 0; v < fx; v++) acc += g[p0 + u * dyRow + v * c + k];
          dx[o + k] = acc;
        }
      }
    }
  }
}

/**
 * The same gradient for tfjs' cpu backend, whose own `ResizeNearestNeighborGrad` (tfjs 4.22) adds
 * batch `b`'s gradient at the wrong offsets when N > 1 (registered for `'cpu'` by the `U-Net` kernel
 * group of register.ts).
 */
export const resizeNearestNeighborGradCpu: KernelFunc = ({ inputs, attrs, backend }) => {
  const { images, dy } = inputs as { images: TensorInfo; dy: TensorInfo };
  if (dy.dtype !== 'float32')
    fail('ResizeNearestNeighborGrad (cpu)', `dy has dtype ${dy.dtype}; expected float32`);
  const cpu = backend as unknown as {
    readSync(id: unknown): Float32Array;
    makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
  };
  const dx = new Float32Array(tf.util.sizeFromShape(images.shape));
  scatterNearest(
    cpu.readSync(dy.dataId),
    dy.shape,
    dx,
    images.shape,
    attrs as unknown as ResizeNearestNeighborGradAttrs,
  );
  return cpu.makeTensorInfo(images.shape.slice(), 'float32', dx);
};

/** Kernel config registering {@link resizeNearestNeighborGrad} for the `'wasm'` backend. */
export const resizeNearestNeighborGradConfig: KernelConfig = {
  kernelName: tf.ResizeNearestNeighborGrad,
  backendName: 'wasm',
  kernelFunc: resizeNearestNeighborGrad,
};

/** Kernel config registering {@link resizeNearestNeighborGradCpu} for the `'cpu'` backend. */
export const resizeNearestNeighborGradCpuConfig: KernelConfig = {
  kernelName: tf.ResizeNearestNeighborGrad,
  backendName: 'cpu',
  kernelFunc: resizeNearestNeighborGradCpu,
};
