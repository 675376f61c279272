/**
 * The value checks of the tensor losses: one pass over a tensor in place (segloss' SIMD `summary`
 * kernel on the wasm heap, a plain loop on cpu) instead of tfjs reductions with a download each.
 */
import * as tf from '@tensorflow/tfjs';
import { fail } from '../core/errors.js';
import { heapKernels } from './wasm/heap-instance.js';

/** Backends whose `dataSync` reads memory in this process (no device download). */
const HOST_BACKENDS = new Set(['wasm', 'cpu']);

/** The values of `x` in host memory: a view of the wasm heap (no copy), or the cpu backend's array. */
function hostData(x: tf.Tensor): ArrayLike<number> {
  const backend = tf.backend() as { typedArrayFromHeap?: (t: tf.TensorInfo) => ArrayLike<number> };
  if (typeof backend.typedArrayFromHeap === 'function') return backend.typedArrayFromHeap(x);
  return x.dataSync() as ArrayLike<number>;
}

/**
 * One pass over the values of `x`: `[probe, min, max]`, where `probe = Σ x·0` is 0 when every value is
 * finite and NaN as soon as one is NaN or ±Inf. On the wasm backend this is segloss' SIMD `summary`
 * kernel reading the tensor in place (heap-kernels.wat); on cpu, and for int32/bool data, a plain loop
 * over the host data; elsewhere three tfjs reductions and one small download.
 *
 * @example
 * ```ts
 * const [probe, lo, hi] = valueSummary(tf.tensor([0.2, 0.9])); // [0, 0.2, 0.9]
 * ```
 */
export function valueSummary(x: tf.Tensor): [number, number, number] {
  if (HOST_BACKENDS.has(tf.getBackend())) {
    const d = hostData(x);
    const kernels = d instanceof Float32Array ? heapKernels(tf.backend()) : null;
    if (kernels !== null) return kernels.summary((d as Float32Array).byteOffset, d.length);
    let probe = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < d.length; i++) {
      const v = d[i];
      probe += v * 0;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return [probe, lo, hi];
  }
  const summary = tf.tidy(() => {
    const xf = x.dtype === 'float32' ? x : tf.cast(x, 'float32'); // int32 targets from tf.oneHot, bool masks
    return tf.stack([tf.sum(tf.mul(xf, 0)), tf.min(xf), tf.max(xf)]);
  });
  const values = summary.dataSync();
  summary.dispose();
  return [values[0], values[1], values[2]];
}

/**
 * Checks the values of tensor inputs in one pass ({@link valueSummary}): all finite, and within
 * `[lo, hi]` when a range is given. Used by every tensor loss so that bad input fails as loudly as in
 * the references.
 */
export function checkTensorValues(
  where: string,
  arg: string,
  x: tf.Tensor,
  range?: readonly [number, number],
): void {
  const [probe, lo, hi] = valueSummary(x);
  if (probe !== 0) fail(where, `${arg} contains NaN or Inf; expected finite numbers`);
  if (range !== undefined && (lo < range[0] || hi > range[1])) {
    // float32 values, printed to float32 precision (0.2, not 0.20000000298023224).
    const f = (v: number) => String(Number(v.toPrecision(7)));
    fail(where, `${arg} has values in [${f(lo)}, ${f(hi)}]; expected values in [${range[0]}, ${range[1]}]`);
  }
}
