import * as tf from '@tensorflow/tfjs';
import { resolveOptions } from '../../core/validate.js';
import { annotatedTensor } from '../shared/annotated.js';
import { backgroundColumn } from '../shared/background.js';
import { prepareTensor } from '../shared/prepare.js';
import { reduceRegionTensor, regionStatsTensor, tverskyIndexTensor } from '../shared/region-stats.js';
import { probabilitiesTensor } from '../shared/region.js';
import { exclusionParams, exclusionSpec, type ExclusionOptions } from './spec.js';

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
    const { layout, y3, p3, valid } = prepareTensor(where, yTrue, yPred, opts);
    exclusionSpec.check(opts, layout.c);
    const params = exclusionParams(opts);
    const annotated = annotatedTensor(where, opts.annotated, y3, layout);
    const foreground = tf.sub(1, backgroundColumn(layout.c)); // [C]
    const annotatedFg = tf.mul(annotated, foreground);
    // e is [N, P, 1]: the statistics broadcast it over the classes (no [N, P, C] copy).
    let region: tf.Tensor = tf.sum(tf.mul(y3, tf.expandDims(annotatedFg, 1)), -1, true);
    const probs = probabilitiesTensor(p3, opts.fromLogits ? 'softmax' : 'none');
    // Entry weights (constants): unannotated foreground u = (1 - A) fg; with 'all', every foreground
    // class of a partially labelled image (partial[n] = [some k >= 1 has A[n, k] = 0]), annotated
    // ones against the complement of their own label.
    let weights = tf.mul(tf.sub(1, annotated), foreground);
    if (opts.classes === 'all') {
      const missing = tf.mul(tf.cast(tf.equal(annotated, 0), 'float32'), foreground);
      const partial = tf.cast(tf.greater(tf.sum(missing, -1, true), 0), 'float32'); // [N, 1]
      weights = tf.mul(partial, foreground);
      // region = complement ? 1 - y : e, per (image, class); complement = A fg partial.
      const k = tf.expandDims(tf.mul(annotatedFg, partial), 1);
      region = tf.add(tf.mul(k, tf.sub(1, y3)), tf.mul(tf.sub(1, k), region));
    }
    const stats = regionStatsTensor(region as tf.Tensor3D, probs, {
      squaredPred: false,
      batch: false,
      valid,
    });
    const scores = tverskyIndexTensor(stats, params);
    return reduceRegionTensor(where, scores, weights as tf.Tensor2D, opts.reduction);
  });
}
