import * as tf from '@tensorflow/tfjs';
import { resolveOptions } from '../../core/validate.js';
import { annotatedTensor } from '../shared/annotated.js';
import { backgroundColumn, setBackgroundTensor } from '../shared/background.js';
import { prepareTensor } from '../shared/prepare.js';
import { diceParams, probabilitiesTensor, regionCoreTensor } from '../shared/region.js';
import { marginalDiceSpec, type MarginalDiceOptions } from './spec.js';

/**
 * The twin of `mergeUnannotatedReference` on `[N, P, C]` with `keep` `[N, C]` (background column 1):
 * `out = x * keep + e_0 * sum_k (1 - keep_k) x_k` (the background term of the sum is 0).
 */
export function mergeUnannotatedTensor(x: tf.Tensor3D, keep: tf.Tensor2D): tf.Tensor3D {
  const k3 = tf.expandDims(keep, 1);
  const dropped = tf.sum(tf.mul(x, tf.sub(1, k3)), -1, true);
  return tf.add(tf.mul(x, k3), tf.mul(dropped, backgroundColumn(x.shape[2]))) as tf.Tensor3D;
}

/**
 * Marginal Dice loss as a differentiable tfjs function (Shi et al. 2021).
 *
 * Formula: `q_0 = p_0 + sum_{k unannotated in image n} p_k`, `q_k = p_k` for annotated k (the same merge
 * of `y`), `L[n, c] = 1 - (2 sum t q + smoothNr) / (sum t + sum q + smoothDr)` over `{0} ∪ annotated`.
 * From logits, `p = softmax(z)` (`tf.softmax`, max-subtracted). The merge is linear, so autodiff is exact:
 * an unannotated class receives the background's gradient.
 *
 * @example
 * ```ts
 * marginalDice(tf.tensor3d([[[1, 0, 0], [0, 1, 0]]]), tf.tensor3d([[[0.5, 0.1, 0.4], [0.2, 0.8, 0]]]),
 *   { smoothNr: 0, smoothDr: 0 }).dataSync()[0]; // 0.15037594
 * ```
 * @see Shi et al., Medical Image Analysis 70 (2021) 101979.
 */
export function marginalDice(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options?: Partial<MarginalDiceOptions>,
): tf.Tensor {
  const where = marginalDiceSpec.name;
  const opts = resolveOptions(where, options, marginalDiceSpec.defaults);
  return tf.tidy(() => {
    const { layout, y3, p3, valid } = prepareTensor(where, yTrue, yPred, opts);
    marginalDiceSpec.check(opts, layout.c);
    const keep = setBackgroundTensor(annotatedTensor(where, opts.annotated, y3, layout), 1) as tf.Tensor2D;
    const q = mergeUnannotatedTensor(probabilitiesTensor(p3, opts.fromLogits ? 'softmax' : 'none'), keep);
    const t = mergeUnannotatedTensor(y3, keep);
    const params = diceParams({ ...opts, jaccard: false });
    return regionCoreTensor(where, t, q, { valid, annotated: keep }, opts, params);
  });
}
