import * as tf from '@tensorflow/tfjs';
import { annotatedTensor } from '../shared/annotated.js';
import { backgroundColumn } from '../shared/background.js';
import { pixelLossMeanPartsOf, pixelLossTensor, type PixelTensorBody } from '../shared/pixel-loss.js';
import { crossEntropyMapTensor } from '../shared/crossentropy-map-tensor.js';
import { missingAwareSpec, type MissingAwareOptions } from './spec.js';

/** The per-pixel map (and mean weights) of `missingAwareCrossEntropy`: the body {@link pixelLossTensor} runs. */
const missingAwareCrossEntropyBody: PixelTensorBody<MissingAwareOptions> = ({ opts, layout, y3, p3 }) => {
  const annotated = annotatedTensor(missingAwareSpec.name, opts.annotated, y3, layout);
  // w[n, i] = sum_c onehot(argmax p[n, i])_c * A[n, c]  (= A[n, argmax]); constant for autodiff.
  const predicted = tf.oneHot(tf.argMax(p3, -1), layout.c);
  const w = tf.sum(tf.mul(predicted, tf.expandDims(annotated, 1)), -1, true);
  // scale = [w, 1, ..., 1] per pixel, as 1 - (1 - w) * e0 (broadcast, no concat).
  const scale = tf.sub(1, tf.mul(tf.sub(1, w), backgroundColumn(layout.c)));
  return { map: crossEntropyMapTensor(tf.mul(y3, scale), p3, opts.fromLogits, opts.epsilon) };
};

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
  return pixelLossTensor(missingAwareSpec, yTrue, yPred, options, missingAwareCrossEntropyBody);
}

/**
 * `missingAwareCrossEntropy`'s `'mean'` as its two parts `{ sum, denominator }` in one pass (see
 * {@link pixelLossMeanPartsOf}): `mean = sum / denominator`.
 *
 * @example `missingAwareCrossEntropyMeanParts(tf.tensor3d([[[0, 1], [1, 0]]]), yPred).denominator` is 2 (two valid pixels).
 */
export const missingAwareCrossEntropyMeanParts = pixelLossMeanPartsOf(
  missingAwareSpec,
  missingAwareCrossEntropyBody,
);
