import * as tf from '@tensorflow/tfjs';
import type { NdArray } from '../../core/ndarray.js';
import { checkRange, checkShape, type PairLayout } from '../../core/validate.js';
import { asNdArray, asTensor } from '../../core/tensor-input.js';
import { checkTensorValues } from '../../backend/value-check.js';
import { fail } from '../../core/errors.js';
import type { AnnotatedInput } from './options.js';

/**
 * The per-image annotated-class mask `A[n, c]` (1 = image n's labels cover class c), from the reference
 * inputs.
 *
 * Formula: with `'infer'`, `A[n, c] = [exists pixel i: y[n, i, c] > 0]` (the post's rule); with an
 * explicit `[N, C]` mask, `A` is that mask with `A[n, 0] = 1` (background always counts as annotated).
 *
 * Shapes: `yTrue` `[N, H, W, C]` or `[N, P, C]`; result `Float32Array` of `N * C`, row-major.
 *
 * @example
 * ```ts
 * // one image, two pixels, classes {bg, a, b}; only bg and b are labelled
 * annotatedReference('x', 'infer', ndarray([1, 0, 0, 0, 0, 1], [1, 2, 3]), layout); // [1, 0, 1]
 * ```
 */
export function annotatedReference(
  where: string,
  annotated: AnnotatedInput,
  yTrue: NdArray,
  layout: PairLayout,
): Float32Array {
  const { n, p, c } = layout;
  if (annotated === 'infer') {
    const present = new Float32Array(n * c);
    for (let img = 0; img < n; img++) {
      for (let i = 0; i < p; i++) {
        const base = (img * p + i) * c;
        for (let k = 0; k < c; k++) if (yTrue.data[base + k] > 0) present[img * c + k] = 1;
      }
    }
    return present;
  }
  if (typeof annotated === 'string')
    fail(where, `option 'annotated' is '${annotated}'; expected 'infer' or an [N, C] mask`);
  const mask = asNdArray(annotated);
  checkShape(where, 'annotated', mask.shape, [n, c]);
  checkRange(where, 'annotated', mask.data, 0, 1);
  const out = Float32Array.from(mask.data);
  for (let img = 0; img < n; img++) out[img * c] = 1;
  return out;
}

/**
 * The tensor twin of {@link annotatedReference}: `[N, C]` float32, no gradient. `y3` is `[N, P, C]`.
 */
export function annotatedTensor(
  where: string,
  annotated: AnnotatedInput,
  y3: tf.Tensor3D,
  layout: PairLayout,
): tf.Tensor2D {
  const { n, c } = layout;
  if (annotated === 'infer') return tf.cast(tf.greater(tf.max(y3, 1), 0), 'float32') as tf.Tensor2D;
  if (typeof annotated === 'string')
    fail(where, `option 'annotated' is '${annotated}'; expected 'infer' or an [N, C] mask`);
  const mask = asTensor(annotated);
  checkShape(where, 'annotated', mask.shape, [n, c]);
  checkTensorValues(where, 'annotated', mask, [0, 1]);
  // Force column 0 (background) to 1: max with e0 = [1, 0, ..., 0], broadcast over the images.
  return tf.maximum(mask, tf.cast(tf.oneHot([0], c), 'float32')) as tf.Tensor2D;
}
