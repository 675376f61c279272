import type { NdArray } from '../../core/ndarray.js';
import { resolveOptions, type PairLayout } from '../../core/validate.js';
import { annotatedReference } from '../shared/annotated.js';
import { setBackgroundReference } from '../shared/background.js';
import { prepareReference } from '../shared/prepare.js';
import { diceParams, probabilitiesReference, regionCoreReference } from '../shared/region.js';
import { marginalDiceSpec, type MarginalDiceOptions } from './spec.js';

/**
 * Merges `[N * P * C]` values to the annotated classes of each image: `out_k = A[n, k] x_k` for
 * `k >= 1`, `out_0 = x_0 + sum_{k >= 1} (1 - A[n, k]) x_k`. Sums are preserved per pixel.
 */
export function mergeUnannotatedReference(
  x: Float32Array,
  annotated: Float32Array,
  layout: PairLayout,
): Float32Array {
  const { n, p, c } = layout;
  const out = new Float32Array(x.length);
  for (let img = 0; img < n; img++) {
    for (let i = 0; i < p; i++) {
      const base = (img * p + i) * c;
      let merged = x[base];
      for (let k = 1; k < c; k++) {
        const a = annotated[img * c + k];
        out[base + k] = a * x[base + k];
        merged += (1 - a) * x[base + k];
      }
      out[base] = merged;
    }
  }
  return out;
}

/**
 * Marginal Dice loss over typed arrays; the oracle of {@link marginalDice}.
 *
 * Formula: `q_0 = p_0 + sum_{k unannotated} p_k`, `q_k = p_k` otherwise (same for `y`), then Dice over
 * `{0} ∪ annotated` (see {@link marginalDiceSpec}).
 *
 * @example
 * ```ts
 * // one image: pixel 0 labelled bg, pixel 1 labelled class 1; class 2 never labelled.
 * // p = [[0.5, 0.1, 0.4], [0.2, 0.8, 0]] -> q = [[0.9, 0.1], [0.2, 0.8]] over {bg, 1}
 * marginalDiceReference(ndarray([1, 0, 0, 0, 1, 0], [1, 2, 3]),
 *   ndarray([0.5, 0.1, 0.4, 0.2, 0.8, 0], [1, 2, 3]), { smoothNr: 0, smoothDr: 0 }).data[0];
 * // (1 - 1.8 / 2.1 + 1 - 1.6 / 1.9) / 2 = 0.15037594
 * ```
 * @see Shi et al., Medical Image Analysis 70 (2021) 101979, sec. "marginal loss".
 */
export function marginalDiceReference(
  yTrue: NdArray,
  yPred: NdArray,
  options?: Partial<MarginalDiceOptions>,
): NdArray {
  const where = marginalDiceSpec.name;
  const opts = resolveOptions(where, options, marginalDiceSpec.defaults);
  const { layout, valid } = prepareReference(where, yTrue, yPred, opts);
  marginalDiceSpec.check(opts, layout.c);
  const { c } = layout;
  const annotated = setBackgroundReference(annotatedReference(where, opts.annotated, yTrue, layout), c, 1);
  const probs = probabilitiesReference(yPred.data, layout, opts.fromLogits ? 'softmax' : 'none');
  const q = mergeUnannotatedReference(probs, annotated, layout);
  const t = mergeUnannotatedReference(yTrue.data, annotated, layout);
  const params = diceParams({ ...opts, jaccard: false });
  return regionCoreReference(where, t, q, layout, { valid, annotated }, opts, params);
}
