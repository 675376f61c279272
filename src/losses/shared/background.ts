import * as tf from '@tensorflow/tfjs';

/**
 * The background column `e_0 = [1, 0, ..., 0]` (length C, float32): the one way losses single out
 * class 0 on the last axis. Broadcasting it against `[..., C]` tensors replaces slices and concats,
 * which are slow on the last axis of the wasm backend.
 *
 * @example
 * ```ts
 * backgroundColumn(3).dataSync(); // [1, 0, 0]
 * ```
 */
export function backgroundColumn(c: number): tf.Tensor1D {
  return tf.tensor1d(Float32Array.from({ length: c }, (_, k) => (k === 0 ? 1 : 0)));
}

/**
 * `mask` (any `[..., C]` tensor with values in `[0, 1]`) with its background column set to `value`:
 * `max(mask, e_0)` for 1, `mask * (1 - e_0)` for 0. Call inside `tf.tidy`.
 *
 * @example
 * ```ts
 * setBackgroundTensor(tf.tensor2d([[0, 1, 0]]), 1).dataSync(); // [1, 1, 0]
 * ```
 */
export function setBackgroundTensor(mask: tf.Tensor, value: 0 | 1): tf.Tensor {
  const e0 = backgroundColumn(mask.shape[mask.shape.length - 1]);
  return value === 1 ? tf.maximum(mask, e0) : tf.mul(mask, tf.sub(1, e0));
}

/**
 * The typed-array twin of {@link setBackgroundTensor}: a copy of the flat `[rows * C]` mask with entry
 * `[r, 0]` set to `value` for every row.
 */
export function setBackgroundReference(mask: Float32Array, c: number, value: 0 | 1): Float32Array {
  const out = Float32Array.from(mask);
  for (let i = 0; i < out.length; i += c) out[i] = value;
  return out;
}
