import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, SumAttrs, TensorInfo } from '@tensorflow/tfjs';
import { displacedKernel } from './kernel-registry.js';
import { heapBackend } from './wasm-heap.js';
import { heapKernels } from '../wasm/heap-instance.js';

/**
 * Column sums of a row-major `[rows, cols]` float32 array: `out[j] = sum_i x[i * cols + j]`, accumulated
 * in float64. Rows are added in blocks of 4 to cut loop overhead.
 *
 * @example
 * ```ts
 * columnSums(Float32Array.of(1, 2, 3, 4, 5, 6), 3, 2); // Float64Array [9, 12]
 * ```
 */
export function columnSums(x: Float32Array, rows: number, cols: number): Float64Array {
  const acc = new Float64Array(cols);
  let i = 0;
  for (; i + 4 <= rows; i += 4) {
    const a = i * cols;
    const b = a + cols;
    const c = b + cols;
    const d = c + cols;
    for (let j = 0; j < cols; j++) acc[j] += x[a + j] + x[b + j] + x[c + j] + x[d + j];
  }
  for (; i < rows; i++) {
    const a = i * cols;
    for (let j = 0; j < cols; j++) acc[j] += x[a + j];
  }
  return acc;
}

/** A `Sum` (scale 1) or `Mean` (scale 1 / rows) over leading axes; other calls go to tfjs' kernel. */
function leadingReduction(kernelName: string, mean: boolean): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as SumAttrs;
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    const size = tf.util.sizeFromShape(x.shape);
    if (!leading || x.dtype !== 'float32' || size === 0) {
      const original = displacedKernel(kernelName, 'wasm');
      if (original === undefined)
        throw new Error(`segloss: ${kernelName} (wasm): no original kernel to fall back to`);
      return original(args);
    }
    const cols = tf.util.sizeFromShape(x.shape.slice(axes.length));
    const rows = size / cols;
    const outShape = keepDims ? x.shape.map((d, i) => (i < axes.length ? 1 : d)) : x.shape.slice(axes.length);
    const b = heapBackend(`${kernelName} (wasm)`, args.backend);
    const out = b.makeOutput(outShape, 'float32');
    const kernels = heapKernels(args.backend);
    if (kernels !== null) {
      // In place on the heap, SIMD, float32 with 256-row partial sums (heap-kernels.wat).
      const outView = b.typedArrayFromHeap(out) as Float32Array;
      kernels.colSums((b.typedArrayFromHeap(x) as Float32Array).byteOffset, rows, cols, outView.byteOffset);
      if (mean) for (let j = 0; j < cols; j++) outView[j] /= rows;
      return out;
    }
    const sums = columnSums(b.typedArrayFromHeap(x) as Float32Array, rows, cols);
    if (mean) for (let j = 0; j < cols; j++) sums[j] /= rows;
    (b.typedArrayFromHeap(out) as Float32Array).set(sums);
    return out;
  };
}

/**
 * `Sum` for tfjs' wasm backend when the reduced axes are exactly the leading ones (`[0, .., k-1]`),
 * the bias gradient of every convolution (`sum(dy, [0, 1, 2])` over `[N, H, W, C]`). tfjs' wasm `Sum`
 * first transposes the reduced axes to the end (a full copy of dy); this sums columns in place.
 * Other axes, dtypes or empty inputs go to tfjs' own kernel.
 */
export const leadingSum: KernelFunc = leadingReduction(tf.Sum, false);

/**
 * `Mean` over leading axes for tfjs' wasm backend, as {@link leadingSum} then divided by the number of
 * rows: batch norm's per-channel `tf.moments(x, [0, 1, 2])` in training.
 */
export const leadingMean: KernelFunc = leadingReduction(tf.Mean, true);

/** Kernel config registering {@link leadingSum} as `Sum` for the `'wasm'` backend. */
export const leadingSumConfig: KernelConfig = {
  kernelName: tf.Sum,
  backendName: 'wasm',
  kernelFunc: leadingSum,
};

/** Kernel config registering {@link leadingMean} as `Mean` for the `'wasm'` backend. */
export const leadingMeanConfig: KernelConfig = {
  kernelName: tf.Mean,
  backendName: 'wasm',
  kernelFunc: leadingMean,
};
