import type { NdArray } from '../../core/ndarray.js';
import { resolveOptions } from '../../core/validate.js';
import { annotatedReference } from '../shared/annotated.js';
import { prepareReference } from '../shared/prepare.js';
import {
  reduceRegionReference,
  regionStatsReference,
  tverskyIndexReference,
} from '../shared/region-stats.js';
import { probabilitiesReference } from '../shared/region.js';
import { exclusionParams, exclusionSpec, type ExclusionOptions } from './spec.js';

/**
 * Which entries `[n, c]` get an exclusion term, and which of those use the complement of their own label
 * as the region (both `[N, C]`, 0/1), from the annotated mask `A` (see {@link exclusionSpec}):
 * - `'unannotated'`: `weight = 1 − A[n, c]` for `c >= 1`; no complements.
 * - `'all'`: `weight = 1` for every `c >= 1` of an image with some `A[n, k] = 0`, `k >= 1`;
 *   `complement = A[n, c]` there.
 *
 * @example
 * ```ts
 * exclusionEntries(Float32Array.of(1, 1, 0), 1, 3, 'all'); // weight [0, 1, 1], complement [0, 1, 0]
 * ```
 */
export function exclusionEntries(
  annotated: Float32Array,
  n: number,
  c: number,
  classes: ExclusionOptions['classes'],
): { weight: Float32Array; complement: Float32Array } {
  const weight = new Float32Array(n * c);
  const complement = new Float32Array(n * c);
  for (let img = 0; img < n; img++) {
    let partial = false;
    for (let k = 1; k < c; k++) partial ||= annotated[img * c + k] === 0;
    for (let k = 1; k < c; k++) {
      const a = annotated[img * c + k];
      if (classes === 'unannotated') weight[img * c + k] = 1 - a;
      else if (partial) {
        weight[img * c + k] = 1;
        complement[img * c + k] = a;
      }
    }
  }
  return { weight, complement };
}

/**
 * Exclusion Dice loss over typed arrays; the oracle of {@link exclusionLoss}.
 *
 * Formula: `e_i = sum_{k >= 1} A[n, k] y_ik`, `L[n, c] = 2 sum e p_c / (sum e + sum p_c + smoothDr)` for
 * unannotated `c >= 1`, mean over those entries; with `classes: 'all'` also annotated `c >= 1` of
 * partially labelled images, with `1 - y_c` in place of `e` (see {@link exclusionSpec}).
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
  const { layout, valid } = prepareReference(where, yTrue, yPred, opts);
  exclusionSpec.check(opts, layout.c);
  const params = exclusionParams(opts);
  const { n, p, c } = layout;
  const annotated = annotatedReference(where, opts.annotated, yTrue, layout);
  const { weight, complement } = exclusionEntries(annotated, n, c, opts.classes);
  const region = new Float32Array(n * p * c);
  for (let img = 0; img < n; img++) {
    for (let i = 0; i < p; i++) {
      const base = (img * p + i) * c;
      let e = 0;
      for (let k = 1; k < c; k++) e += annotated[img * c + k] * yTrue.data[base + k];
      for (let k = 0; k < c; k++) region[base + k] = complement[img * c + k] ? 1 - yTrue.data[base + k] : e;
    }
  }
  const probs = probabilitiesReference(yPred.data, layout, opts.fromLogits ? 'softmax' : 'none');
  const stats = regionStatsReference(region, probs, layout, { squaredPred: false, batch: false, valid });
  const scores = tverskyIndexReference(stats, params);
  return reduceRegionReference(where, scores, weight, n, opts.reduction);
}
