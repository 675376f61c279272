import * as tf from '@tensorflow/tfjs';
import { reduceTensor } from '../../core/reduction.js';
import { resolveOptions } from '../../core/validate.js';
import { annotatedTensor } from '../shared/annotated.js';
import { prepareTensor } from '../shared/prepare.js';
import { crossEntropyMapTensor } from '../crossentropy/tensor.js';
import { missingAwareSpec, type MissingAwareOptions } from './spec.js';

/**
 * The post's missing-aware cross-entropy as a differentiable tfjs function (works in `model.compile`,
 * `model.fit` and custom loops).
 *
 * Formula: `w_i = A[n, argmax_c p_ic]`, `L_i = -(w_i y_i0 log p_i0 + sum_{c >= 1} y_ic log p_ic)`; the
 * weight is computed from `argmax` and the annotated mask, both without gradient, and scales the
 * background target before the shared cross-entropy kernel.
 *
 * Shapes: `[N, H, W, C]` or `[N, P, C]`; `annotated` `'infer'` or `[N, C]`.
 *
 * @example
 * ```ts
 * const y = tf.tensor3d([[[0, 1, 0], [1, 0, 0]]]);
 * const p = tf.tensor3d([[[0.1, 0.8, 0.1], [0.2, 0.1, 0.7]]]);
 * missingAwareCrossEntropy(y, p).dataSync()[0]; // 0.11157178
 * ```
 * @see the segloss post (README, "Where this comes from").
 */
export function missingAwareCrossEntropy(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options?: Partial<MissingAwareOptions>,
): tf.Tensor {
  const where = missingAwareSpec.name;
  const opts = resolveOptions(where, options, missingAwareSpec.defaults);
  return tf.tidy(() => {
    const { layout, y3, p3, valid } = prepareTensor(where, yTrue, yPred, opts);
    const annotated = annotatedTensor(where, opts.annotated, y3, layout);
    // w[n, i] = sum_c onehot(argmax p[n, i])_c * A[n, c]  (= A[n, argmax]); constant for autodiff.
    const predicted = tf.oneHot(tf.argMax(p3, -1), layout.c);
    const w = tf.sum(tf.mul(predicted, tf.expandDims(annotated, 1)), -1, true);
    // scale = [w, 1, ..., 1] per pixel, as 1 - (1 - w) * e0 with e0 = [1, 0, ..., 0] (broadcast, no concat).
    const e0 = tf.cast(tf.oneHot(0, layout.c), 'float32');
    const scale = tf.sub(1, tf.mul(tf.sub(1, w), e0));
    let map = crossEntropyMapTensor(tf.mul(y3, scale), p3, opts.fromLogits, opts.epsilon);
    if (valid !== undefined) map = tf.mul(map, valid);
    return reduceTensor(where, tf.reshape(map, [...layout.mapShape]), opts.reduction, valid);
  });
}
