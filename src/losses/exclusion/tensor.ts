import * as tf from '@tensorflow/tfjs';
import { resolveOptions } from '../../core/validate.js';
import { COMMON_DEFAULTS } from '../shared/options.js';
import { annotatedTensor } from '../shared/annotated.js';
import { prepareTensor } from '../shared/prepare.js';
import { reduceRegionTensor, regionStatsTensor, tverskyIndexTensor } from '../shared/region-stats.js';
import { probabilitiesTensor } from '../dice/region.js';
import { exclusionEntries, exclusionParams } from './reference.js';
import { exclusionSpec, type ExclusionOptions } from './spec.js';

/**
 * Exclusion Dice loss as a differentiable tfjs function (Shi et al. 2021).
 *
 * Formula: `e = sum_{k >= 1} A[n, k] y_k` per pixel (labelled foreground),
 * `L[n, c] = 2 sum e p_c / (sum e + sum p_c + smoothDr)` for classes `c >= 1` that image n does not
 * label, mean over those. From logits, `p = softmax(z)` (`tf.softmax`, max-subtracted). `e` and the
 * weights are constants; autodiff flows through `p` only.
 *
 * @example
 * ```ts
 * exclusionLoss(tf.tensor3d([[[1, 0, 0], [0, 1, 0]]]), tf.tensor3d([[[0.9, 0, 0.1], [0.1, 0.6, 0.3]]]),
 *   { smoothDr: 1e-9 }).dataSync()[0]; // 0.42857143
 * ```
 * @see Shi et al., Medical Image Analysis 70 (2021) 101979, sec. "exclusion loss".
 */
export function exclusionLoss(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options?: Partial<ExclusionOptions>,
): tf.Tensor {
  const where = exclusionSpec.name;
  const opts = resolveOptions(where, options, exclusionSpec.defaults);
  return tf.tidy(() => {
    const common = { ...opts, epsilon: COMMON_DEFAULTS.epsilon };
    const { layout, y3, p3, valid } = prepareTensor(where, yTrue, yPred, common);
    const params = exclusionParams(opts);
    const { n, c } = layout;
    const annotated = annotatedTensor(where, opts.annotated, y3, layout);
    const foreground = tf.concat([tf.zeros([n, 1]), tf.ones([n, c - 1])], 1);
    const annotatedFg = tf.mul(annotated, foreground);
    // e is [N, P, 1]: the statistics broadcast it over the classes (no [N, P, C] copy).
    let region: tf.Tensor = tf.sum(tf.mul(y3, tf.expandDims(annotatedFg, 1)), -1, true);
    const probs = probabilitiesTensor(p3, opts.fromLogits, 'softmax');
    // The entries are data (no gradient flows into the mask), computed once on the host.
    const entries = exclusionEntries(annotated.dataSync() as Float32Array, n, c, opts.classes);
    const weights = tf.tensor2d(entries.weight, [n, c]);
    if (opts.classes === 'all') {
      // region = complement ? 1 - y : e, per (image, class).
      const k = tf.expandDims(tf.tensor2d(entries.complement, [n, c]), 1);
      region = tf.add(tf.mul(k, tf.sub(1, y3)), tf.mul(tf.sub(1, k), region));
    }
    const stats = regionStatsTensor(region as tf.Tensor3D, probs, {
      squaredPred: false,
      batch: false,
      valid,
    });
    return reduceRegionTensor(where, tverskyIndexTensor(stats, params), weights, opts.reduction);
  });
}
