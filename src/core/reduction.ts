import * as tf from '@tensorflow/tfjs';
import { fail } from './errors.js';
import { scalar, type NdArray } from './ndarray.js';

/** How a loss map becomes the returned value: the map itself, its (weighted) mean, or its sum. */
export type Reduction = 'none' | 'mean' | 'sum';

/** The valid reductions, in the order the docs list them. */
export const REDUCTIONS: readonly Reduction[] = ['none', 'mean', 'sum'];

/**
 * The one reduction helper of the typed-array references.
 *
 * Formula: `mean = sum_i map_i / sum_i w_i`, `sum = sum_i map_i`, `none = map`, where `w` defaults to 1
 * for every element. Losses pass `w` to divide by the valid (not ignored) pixels, or by the summed class
 * weights (PyTorch's weighted mean). A mean over zero total weight is 0 (nothing to learn from), not NaN.
 *
 * Shapes: `map` any shape; `weights` the same number of elements.
 *
 * @example
 * ```ts
 * reduceReference('crossentropy', ndarray([1, 2, 3, 0], [1, 4]), 'mean', Float32Array.of(1, 1, 1, 0)).data[0]; // 2
 * ```
 */
export function reduceReference(
  where: string,
  map: NdArray,
  reduction: Reduction,
  weights?: Float32Array,
): NdArray {
  if (reduction === 'none') return map;
  let total = 0;
  for (let i = 0; i < map.data.length; i++) total += map.data[i];
  if (reduction === 'sum') return scalar(total);
  if (reduction !== 'mean')
    fail(where, `option 'reduction' is ${JSON.stringify(reduction)}; expected none, mean, sum`);
  let denom = map.data.length;
  if (weights !== undefined) {
    denom = 0;
    for (let i = 0; i < weights.length; i++) denom += weights[i];
  }
  return scalar(denom > 0 ? total / denom : 0);
}

/**
 * The tensor twin of {@link reduceReference}: same formula, differentiable, and the returned scalar has
 * shape `[]`. `weights` is treated as a constant (no gradient flows into it).
 *
 * @example
 * ```ts
 * reduceTensor('crossentropy', tf.tensor2d([[1, 2, 3, 0]]), 'mean').dataSync()[0]; // 1.5
 * ```
 */
export function reduceTensor(
  where: string,
  map: tf.Tensor,
  reduction: Reduction,
  weights?: tf.Tensor,
): tf.Tensor {
  if (reduction === 'none') return map;
  if (reduction === 'sum') return tf.sum(map);
  if (reduction !== 'mean')
    fail(where, `option 'reduction' is ${JSON.stringify(reduction)}; expected none, mean, sum`);
  if (weights === undefined) return tf.mean(map);
  // max(denom, tiny) keeps 0 / 0 at 0 when every element is ignored.
  const denom = tf.maximum(tf.sum(weights), 1e-30);
  return tf.div(tf.sum(map), denom);
}
