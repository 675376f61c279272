import * as tf from '@tensorflow/tfjs';
import { annotatedTensor } from '../shared/annotated.js';
import { setBackgroundTensor } from '../shared/background.js';
import { pixelLossMeanPartsOf, pixelLossTensor, type PixelTensorBody } from '../shared/pixel-loss.js';
import { focalMode, focalSpec, type FocalOptions } from './spec.js';

/** Per-element focal loss `[N, P, C]` (before alpha, class weights and channel masking). */
function focalElements(t: tf.Tensor, x: tf.Tensor, opts: FocalOptions): tf.Tensor {
  const { gamma, epsilon: eps } = opts;
  if (opts.useSoftmax) {
    // log p = z - logsumexp(z) (tf.logSoftmax, stable) or log clip(p); l = -t (1 - p)^gamma log p.
    const logP = opts.fromLogits ? tf.logSoftmax(x) : tf.log(tf.clipByValue(x, eps, 1 - eps));
    return tf.neg(tf.mul(tf.mul(t, tf.pow(tf.sub(1, tf.exp(logP)), gamma)), logP));
  }
  let prob: tf.Tensor;
  let bce: tf.Tensor;
  if (opts.fromLogits) {
    // BCE with logits through log-sigmoid: -(t log s(z) + (1 - t) log s(-z)) = softplus(z) - z t, with
    // tf.softplus stable for large |z| (its gradient is s(z), so dBCE/dz = s(z) - t exactly).
    prob = tf.sigmoid(x);
    bce = tf.sub(tf.softplus(x), tf.mul(x, t));
  } else {
    prob = tf.clipByValue(x, eps, 1 - eps);
    bce = tf.neg(tf.add(tf.mul(t, tf.log(prob)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, prob)))));
  }
  // 1 - p_t = p + t - 2 p t.
  const oneMinusPt = tf.sub(tf.add(prob, t), tf.mul(tf.mul(prob, t), 2));
  return tf.mul(tf.pow(oneMinusPt, gamma), bce);
}

const where = focalSpec.name;

/** The per-pixel map (and mean weights) of `focal`: the body {@link pixelLossTensor} runs. */
const focalBody: PixelTensorBody<FocalOptions> = ({ opts, layout, y3, p3 }) => {
  const { n, c } = layout;
  let l = focalElements(y3, p3, opts);
  if (opts.alpha !== null) {
    const alpha = opts.alpha;
    const a = opts.useSoftmax
      ? tf.tensor1d([1 - alpha, ...new Array<number>(c - 1).fill(alpha)])
      : tf.add(tf.mul(y3, alpha), tf.mul(tf.sub(1, y3), 1 - alpha));
    l = tf.mul(l, a);
  }
  if (opts.classWeights !== null) l = tf.mul(l, tf.tensor1d(opts.classWeights, 'float32'));
  // Kept channels K[n, c]: the annotated mask (multiclass: background forced in), channel 0 dropped
  // without includeBackground.
  const multiclass = focalMode(opts, c) === 'multiclass';
  let kept: tf.Tensor = tf.ones([n, c]);
  if (opts.annotated !== null) {
    kept = annotatedTensor(where, opts.annotated, y3, layout, multiclass);
    if (multiclass) kept = setBackgroundTensor(kept, 1);
  }
  if (!opts.includeBackground) kept = setBackgroundTensor(kept, 0);
  const count = tf.sum(kept, -1, true); // [N, 1]
  const inv = tf.div(tf.cast(tf.greater(count, 0), 'float32'), tf.maximum(count, 1e-30));
  return { map: tf.mul(tf.sum(tf.mul(l, tf.expandDims(kept, 1)), -1), inv) };
};

/**
 * Focal loss as a differentiable tfjs function (sigmoid per channel by default, softmax with
 * `useSoftmax`), MONAI-compatible means, optional per-image class masks. See {@link focalSpec}.
 *
 * Formula: `L_i = sum_{c in K_n} a_c w_c l_ic / |K_n|` with `l` the binary (or categorical) focal term;
 * gradients by tfjs autodiff through elementwise ops.
 *
 * Shapes: `[N, H, W, C]` or `[N, P, C]` in; scalar or the map `[N, H, W]` / `[N, P]` out.
 *
 * @example
 * ```ts
 * focal(tf.tensor3d([[[0, 1]]]), tf.tensor3d([[[0.2, 0.8]]])).dataSync()[0]; // 0.0089257
 * ```
 * @see Lin et al., ICCV 2017; MONAI `monai/losses/focal_loss.py`.
 */
export function focal(yTrue: tf.Tensor, yPred: tf.Tensor, options?: Partial<FocalOptions>): tf.Tensor {
  return pixelLossTensor(focalSpec, yTrue, yPred, options, focalBody);
}

/**
 * `focal`'s `'mean'` as its two parts `{ sum, denominator }` in one pass (see
 * {@link pixelLossMeanPartsOf}): `mean = sum / denominator`.
 *
 * @example `focalMeanParts(tf.tensor3d([[[0, 1], [1, 0]]]), yPred).denominator` is 2 (two valid pixels).
 */
export const focalMeanParts = pixelLossMeanPartsOf(focalSpec, focalBody);
