import * as tf from '@tensorflow/tfjs';
import { annotatedTensor } from '../shared/annotated.js';
import { pixelLossMeanPartsOf, pixelLossTensor, type PixelTensorBody } from '../shared/pixel-loss.js';
import { binaryCrossEntropySpec, positiveWeights, type BinaryCrossEntropyOptions } from './spec.js';

const where = binaryCrossEntropySpec.name;

/** The per-pixel map (and mean weights) of `binaryCrossEntropy`: the body {@link pixelLossTensor} runs. */
const binaryCrossEntropyBody: PixelTensorBody<BinaryCrossEntropyOptions> = ({ opts, layout, y3, p3 }) => {
  const { n, c } = layout;
  const ls = opts.labelSmoothing;
  const t = ls > 0 ? tf.add(tf.mul(y3, 1 - ls), ls / 2) : y3;
  let negLogPos: tf.Tensor;
  let negLogNeg: tf.Tensor;
  if (opts.fromLogits) {
    negLogPos = tf.softplus(tf.neg(p3));
    negLogNeg = tf.softplus(p3);
  } else {
    const q = tf.clipByValue(p3, opts.epsilon, 1 - opts.epsilon);
    negLogPos = tf.neg(tf.log(q));
    negLogNeg = tf.neg(tf.log(tf.sub(1, q)));
  }
  const pw = tf.tensor1d(positiveWeights(opts, c));
  const l = tf.add(tf.mul(tf.mul(pw, t), negLogPos), tf.mul(tf.sub(1, t), negLogNeg));
  const kept =
    opts.annotated === null ? tf.ones([n, c]) : annotatedTensor(where, opts.annotated, y3, layout, false);
  const k3 = tf.expandDims(kept, 1); // [N, 1, C]
  const map = tf.div(tf.sum(tf.mul(l, k3), -1), c);
  const denom = tf.broadcastTo(tf.div(tf.sum(kept, -1, true), c), map.shape);
  return { map, denom };
};

/**
 * Binary cross-entropy as a differentiable tfjs function, for one-channel and multi-label sigmoid
 * outputs (see {@link binaryCrossEntropySpec}).
 *
 * Formula: logits `l = w t' softplus(-z) + (1 - t') softplus(z)` (`tf.softplus` is stable and its
 * gradient is `sigmoid`, so `dl/dz = (1 - t') s(z) - w t' (1 - s(z))`); probabilities
 * `l = -(w t' log q + (1 - t') log(1 - q))` with `q = clip(p, eps, 1 - eps)`. The map is
 * `sum_{c in K_n} l / C`, the mean divides by the kept elements.
 *
 * Shapes: `[N, H, W, C]` or `[N, P, C]` in (C >= 1); scalar or the map `[N, H, W]` / `[N, P]` out.
 *
 * @example
 * ```ts
 * binaryCrossEntropy(tf.tensor3d([[[1]]]), tf.tensor3d([[[0.8]]])).dataSync()[0]; // 0.22314355
 * ```
 * @see PyTorch `BCEWithLogitsLoss`; Keras `BinaryCrossentropy`.
 */
export function binaryCrossEntropy(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options?: Partial<BinaryCrossEntropyOptions>,
): tf.Tensor {
  return pixelLossTensor(binaryCrossEntropySpec, yTrue, yPred, options, binaryCrossEntropyBody);
}

/**
 * `binaryCrossEntropy`'s `'mean'` as its two parts `{ sum, denominator }` in one pass (see
 * {@link pixelLossMeanPartsOf}): `mean = sum / denominator`.
 *
 * @example `binaryCrossEntropyMeanParts(tf.tensor3d([[[0, 1], [1, 0]]]), yPred).denominator` is 2 (two valid pixels).
 */
export const binaryCrossEntropyMeanParts = pixelLossMeanPartsOf(
  binaryCrossEntropySpec,
  binaryCrossEntropyBody,
);
