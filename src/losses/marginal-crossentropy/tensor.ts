import * as tf from '@tensorflow/tfjs';
import { annotatedTensor } from '../shared/annotated.js';
import { backgroundColumn } from '../shared/background.js';
import { pixelLossMeanPartsOf, pixelLossTensor, type PixelTensorBody } from '../shared/pixel-loss.js';
import { crossEntropyMapTensor } from '../shared/crossentropy-map-tensor.js';
import { checkBinaryMask, marginalCrossEntropySpec, type MarginalCrossEntropyOptions } from './spec.js';

/** Additive mask for classes outside a group: `exp(-1e9 + x)` is exactly 0 in float32. */
const OUTSIDE = -1e9;

/**
 * Per-pixel marginal cross-entropy from logits `[N, P, C]` with an analytic gradient. `targets` are the
 * merged targets (zero on unannotated classes), `groupBias` `[N, 1, C]` is 0 on `{0} u M_n` and -1e9
 * elsewhere. With `log s = logSoftmax(z)`:
 *   `log q_0 = logsumexp_k (log s_k + groupBias_k)` (stable: a log-sum-exp of log-probabilities),
 *   `L = -(t_0 log q_0 + sum_{k >= 1} t_k log s_k)`,
 *   `dL/dz_k = s_k sum_c t_c - t_k [k >= 1] - t_0 r_k`, `r_k = exp(log s_k + groupBias_k - log q_0)`
 *   (`r` is the softmax restricted to the merged group: `s_k / q_0` inside it, 0 outside).
 */
function marginalLogitsMap(
  targets: tf.Tensor,
  groupBias: tf.Tensor,
  e0: tf.Tensor,
): (z: tf.Tensor) => tf.Tensor {
  // Column products instead of slice/concat (slow on the wasm backend for the last axis).
  const t0 = tf.sum(tf.mul(targets, e0), -1, true); // [N, P, 1]
  const tFg = tf.mul(targets, tf.sub(1, e0)); // [N, P, C], column 0 zeroed
  const total = tf.sum(targets, -1, true); // [N, P, 1]
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [z, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const logS = tf.logSoftmax(z);
    const inGroup = tf.add(logS, groupBias);
    const logQ0 = tf.logSumExp(inGroup, -1, true);
    const fg = tf.sum(tf.mul(tFg, logS), -1, true);
    save([t0, tFg, total, logS, inGroup, logQ0]);
    return {
      value: tf.squeeze(tf.neg(tf.add(tf.mul(t0, logQ0), fg)), [-1]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [t0s, tFgs, totals, logSs, inGroupS, logQ0s] = saved;
        const r = tf.exp(tf.sub(inGroupS, logQ0s));
        const g = tf.sub(tf.sub(tf.mul(tf.exp(logSs), totals), tFgs), tf.mul(t0s, r));
        return tf.mul(g, tf.expandDims(dy, -1));
      },
    };
  });
  return op as (z: tf.Tensor) => tf.Tensor;
}

const where = marginalCrossEntropySpec.name;

/** The per-pixel map (and mean weights) of `marginalCrossEntropy`: the body {@link pixelLossTensor} runs. */
const marginalCrossEntropyBody: PixelTensorBody<MarginalCrossEntropyOptions> = ({ opts, layout, y3, p3 }) => {
  const annotated = annotatedTensor(where, opts.annotated, y3, layout);
  if (opts.annotated !== 'infer') checkBinaryMask(where, annotated.dataSync());
  const e0 = backgroundColumn(layout.c);
  // [N, 1, C]; background counts as annotated even where 'infer' finds no background pixel.
  const a3 = tf.maximum(tf.expandDims(annotated, 1), e0);
  const u3 = tf.sub(1, a3); // unannotated; column 0 is 0
  // With 'infer', no label mass sits on an unannotated class (mass makes a class annotated): t = y.
  const targets =
    opts.annotated === 'infer' ? y3 : tf.add(tf.mul(y3, a3), tf.mul(e0, tf.sum(tf.mul(y3, u3), -1, true)));
  if (opts.fromLogits) {
    const groupBias = tf.mul(tf.sub(1, tf.add(e0, u3)), OUTSIDE); // [N, 1, C]
    return { map: marginalLogitsMap(targets, groupBias, e0)(p3) };
  }
  const merged = tf.add(tf.mul(p3, a3), tf.mul(e0, tf.sum(tf.mul(p3, u3), -1, true)));
  return { map: crossEntropyMapTensor(targets, merged, false, opts.epsilon) };
};

/**
 * Marginal cross-entropy as a differentiable tfjs function (`model.compile`, `model.fit`, custom loops).
 *
 * Formula (see {@link marginalCrossEntropySpec}), with `A` the `[N, C]` annotated mask, `U = 1 - A`
 * (background column 0) and `e_0` the background one-hot:
 *   targets  `t = y * A + e_0 * sum_c y_c U_c`,
 *   probabilities  `q = p * A + e_0 * sum_c p_c U_c`, then the shared cross-entropy kernel on `(t, q)`;
 *   logits  `log q_0 = logsumexp_{k in {0} u M} log softmax(z)_k` with an analytic gradient (the merge
 *   happens on probabilities, expressed in log space; logits themselves are never added).
 *
 * Shapes: `[N, H, W, C]` or `[N, P, C]` in; scalar or the map `[N, H, W]` / `[N, P]` out.
 *
 * @example
 * ```ts
 * const y = tf.tensor3d([[[1, 0, 0]]]);
 * const z = tf.tensor3d([[[2, 0.5, 1]]]);
 * marginalCrossEntropy(y, z, { fromLogits: true, annotated: tf.tensor2d([[1, 1, 0]]) }).dataSync()[0];
 * // 0.151107
 * ```
 * @see Shi et al., Medical Image Analysis 2021; Fang & Yan, IEEE TMI 2020.
 */
export function marginalCrossEntropy(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options?: Partial<MarginalCrossEntropyOptions>,
): tf.Tensor {
  return pixelLossTensor(marginalCrossEntropySpec, yTrue, yPred, options, marginalCrossEntropyBody);
}

/**
 * `marginalCrossEntropy`'s `'mean'` as its two parts `{ sum, denominator }` in one pass (see
 * {@link pixelLossMeanPartsOf}): `mean = sum / denominator`.
 *
 * @example `marginalCrossEntropyMeanParts(tf.tensor3d([[[0, 1], [1, 0]]]), yPred).denominator` is 2 (two valid pixels).
 */
export const marginalCrossEntropyMeanParts = pixelLossMeanPartsOf(
  marginalCrossEntropySpec,
  marginalCrossEntropyBody,
);
