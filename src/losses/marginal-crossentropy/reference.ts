import type { NdArray } from '../../core/ndarray.js';
import { annotatedReference } from '../shared/annotated.js';
import { pixelLossReference } from '../shared/pixel-loss.js';
import { crossEntropyMapReference } from '../shared/crossentropy-map.js';
import { checkBinaryMask, marginalCrossEntropySpec, type MarginalCrossEntropyOptions } from './spec.js';

/**
 * Marginal cross-entropy over typed arrays: the readable definition and the oracle of
 * {@link marginalCrossEntropy}.
 *
 * Formula (see {@link marginalCrossEntropySpec}): per image n with unannotated classes `M_n`,
 * `q_0 = p_0 + sum_{k in M_n} p_k`, `t_0 = y_0 + sum_{k in M_n} y_k`, `L_i = -sum_{c not in M_n} t_c log q_c`;
 * from logits the merged background logit is `logsumexp_{k in {0} u M_n} z_k` and unannotated logits drop
 * out (their `exp` becomes 0), so the log-normaliser is unchanged.
 *
 * @example
 * ```ts
 * // background pixel, p = [0.5, 0.2, 0.3], class 2 unannotated: -log(0.5 + 0.3)
 * const y = ndarray([1, 0, 0], [1, 1, 3]);
 * const p = ndarray([0.5, 0.2, 0.3], [1, 1, 3]);
 * marginalCrossEntropyReference(y, p, { annotated: ndarray([1, 1, 0], [1, 3]) }).data[0]; // 0.22314355
 * ```
 * @see Shi et al., Medical Image Analysis 2021; Fang & Yan, IEEE TMI 2020.
 */
export function marginalCrossEntropyReference(
  yTrue: NdArray,
  yPred: NdArray,
  options?: Partial<MarginalCrossEntropyOptions>,
): NdArray {
  const where = marginalCrossEntropySpec.name;
  return pixelLossReference(marginalCrossEntropySpec, yTrue, yPred, options, ({ opts, layout }) => {
    const annotated = annotatedReference(where, opts.annotated, yTrue, layout);
    checkBinaryMask(where, annotated);
    const { n, p, c } = layout;
    const targets = Float32Array.from(yTrue.data);
    const merged = Float32Array.from(yPred.data);
    for (let img = 0; img < n; img++) {
      for (let i = 0; i < p; i++) {
        const base = (img * p + i) * c;
        // Probabilities: q_0 accumulates the unannotated p_k. Logits: z'_0 = logsumexp over {0} u M.
        let m = yPred.data[base];
        for (let k = 1; k < c; k++) if (annotated[img * c + k] === 0) m = Math.max(m, yPred.data[base + k]);
        let groupSum = opts.fromLogits ? Math.exp(yPred.data[base] - m) : yPred.data[base];
        for (let k = 1; k < c; k++) {
          if (annotated[img * c + k] === 1) continue;
          targets[base] += targets[base + k];
          targets[base + k] = 0;
          groupSum += opts.fromLogits ? Math.exp(yPred.data[base + k] - m) : yPred.data[base + k];
          merged[base + k] = opts.fromLogits ? -Infinity : 0;
        }
        merged[base] = opts.fromLogits ? m + Math.log(groupSum) : groupSum;
      }
    }
    return { map: crossEntropyMapReference(targets, merged, layout, opts.fromLogits, opts.epsilon) };
  });
}
