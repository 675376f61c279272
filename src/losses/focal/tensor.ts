import * as tf from '@tensorflow/tfjs';
import { reduceTensor } from '../../core/reduction.js';
import { resolveOptions } from '../../core/validate.js';
import { annotatedTensor } from '../shared/annotated.js';
import { prepareTensor } from '../shared/prepare.js';
import { checkFocalOptions } from './reference.js';
import { focalSpec, type FocalOptions } from './spec.js';

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
    // BCE with logits, stable: max(z, 0) - z t + log(1 + exp(-|z|)) (= softplus(z) - z t).
    prob = tf.sigmoid(x);
    bce = tf.add(tf.sub(tf.relu(x), tf.mul(x, t)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
  } else {
    prob = tf.clipByValue(x, eps, 1 - eps);
    bce = tf.neg(tf.add(tf.mul(t, tf.log(prob)), tf.mul(tf.sub(1, t), tf.log(tf.sub(1, prob)))));
  }
  // 1 - p_t = p + t - 2 p t.
  const oneMinusPt = tf.sub(tf.add(prob, t), tf.mul(tf.mul(prob, t), 2));
  return tf.mul(tf.pow(oneMinusPt, gamma), bce);
}

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
  const where = focalSpec.name;
  const opts = resolveOptions(where, options, focalSpec.defaults);
  return tf.tidy(() => {
    const { layout, y3, p3, valid } = prepareTensor(where, yTrue, yPred, opts);
    checkFocalOptions(where, opts, layout.c);
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
    // Kept channels K[n, c]: background by includeBackground, foreground by the annotated mask.
    const bgColumn = tf.tensor1d([1, ...new Array<number>(c - 1).fill(0)]);
    let kept: tf.Tensor = tf.ones([n, c]);
    if (opts.annotated !== null)
      kept = tf.maximum(annotatedTensor(where, opts.annotated, y3, layout), bgColumn);
    if (!opts.includeBackground) kept = tf.mul(kept, tf.sub(1, bgColumn));
    const count = tf.sum(kept, -1, true); // [N, 1]
    const inv = tf.div(tf.cast(tf.greater(count, 0), 'float32'), tf.maximum(count, 1e-30));
    let map = tf.mul(tf.sum(tf.mul(l, tf.expandDims(kept, 1)), -1), inv);
    if (valid !== undefined) map = tf.mul(map, valid);
    return reduceTensor(where, tf.reshape(map, [...layout.mapShape]), opts.reduction, valid);
  });
}
