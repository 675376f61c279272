import type { NdArray } from '../../core/ndarray.js';
import { checkNumber, resolveOptions } from '../../core/validate.js';
import { COMMON_DEFAULTS } from '../shared/options.js';
import { annotatedReference } from '../shared/annotated.js';
import { prepareReference } from '../shared/prepare.js';
import {
  reduceRegionReference,
  regionStatsReference,
  tverskyIndexReference,
  type TverskyParams,
} from '../shared/region-stats.js';
import { probabilitiesReference } from '../dice/region.js';
import { exclusionSpec, type ExclusionOptions } from './spec.js';

/** The Tversky parameters of the exclusion score `2 tp / (2 tp + fp + fn + s)`; checks `smoothDr > 0`. */
export function exclusionParams(opts: ExclusionOptions): TverskyParams {
  checkNumber(exclusionSpec.name, 'smoothDr', opts.smoothDr, 0, Number.MAX_VALUE, true);
  return { alpha: 0.5, beta: 0.5, smoothNr: 0, smoothDr: opts.smoothDr / 2 };
}

/**
 * Exclusion Dice loss over typed arrays; the oracle of {@link exclusionLoss}.
 *
 * Formula: `e_i = sum_{k >= 1} A[n, k] y_ik`, `L[n, c] = 2 sum e p_c / (sum e + sum p_c + smoothDr)` for
 * unannotated `c >= 1`, mean over those entries (see {@link exclusionSpec}).
 *
 * @example
 * ```ts
 * // pixel 0 bg, pixel 1 labelled class 1; class 2 unannotated and predicted 0.3 on pixel 1
 * exclusionReference(ndarray([1, 0, 0, 0, 1, 0], [1, 2, 3]),
 *   ndarray([0.9, 0, 0.1, 0.1, 0.6, 0.3], [1, 2, 3]), { smoothDr: 1e-9 }).data[0];
 * // 2 * 0.3 / (1 + 0.4) = 0.42857143
 * ```
 * @see Shi et al., Medical Image Analysis 70 (2021) 101979, sec. "exclusion loss".
 */
export function exclusionReference(
  yTrue: NdArray,
  yPred: NdArray,
  options?: Partial<ExclusionOptions>,
): NdArray {
  const where = exclusionSpec.name;
  const opts = resolveOptions(where, options, exclusionSpec.defaults);
  const common = { ...opts, epsilon: COMMON_DEFAULTS.epsilon };
  const { layout, valid } = prepareReference(where, yTrue, yPred, common);
  const params = exclusionParams(opts);
  const { n, p, c } = layout;
  const annotated = annotatedReference(where, opts.annotated, yTrue, layout);
  const region = new Float32Array(n * p * c);
  for (let img = 0; img < n; img++) {
    for (let i = 0; i < p; i++) {
      const base = (img * p + i) * c;
      let e = 0;
      for (let k = 1; k < c; k++) e += annotated[img * c + k] * yTrue.data[base + k];
      region.fill(e, base, base + c);
    }
  }
  const probs = probabilitiesReference(yPred.data, layout, opts.fromLogits, 'softmax');
  const stats = regionStatsReference(region, probs, layout, { squaredPred: false, batch: false, valid });
  const scores = tverskyIndexReference(stats, params);
  const weights = new Float32Array(n * c);
  for (let img = 0; img < n; img++) {
    for (let k = 1; k < c; k++) weights[img * c + k] = 1 - annotated[img * c + k];
  }
  return reduceRegionReference(where, scores, weights, n, opts.reduction);
}
