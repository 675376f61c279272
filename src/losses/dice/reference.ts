import type { NdArray } from '../../core/ndarray.js';
import { resolveOptions } from '../../core/validate.js';
import type { TverskyParams } from '../shared/region-stats.js';
import { regionLossReference } from './region.js';
import { diceSpec, type DiceOptions } from './spec.js';

/**
 * The Tversky parameters of Dice: `(2 I + s_nr) / (G + P + s_dr) = (tp + s_nr/2) / (tp + fp/2 + fn/2 + s_dr/2)`;
 * with `jaccard`, `(2 I + s_nr) / (2 (G + P - I) + s_dr) = (tp + s_nr/2) / (tp + fp + fn + s_dr/2)`.
 */
export function diceParams(opts: Pick<DiceOptions, 'jaccard' | 'smoothNr' | 'smoothDr'>): TverskyParams {
  const w = opts.jaccard ? 1 : 0.5;
  return { alpha: w, beta: w, smoothNr: opts.smoothNr / 2, smoothDr: opts.smoothDr / 2 };
}

/**
 * Soft Dice loss over typed arrays: the readable definition and the oracle of {@link dice}.
 *
 * Formula: `L[n, c] = 1 - (2 sum_i y p + smoothNr) / (sum_i y + sum_i p + smoothDr)`, reduced as
 * `sum w L / sum w` (see {@link diceSpec}).
 *
 * @example
 * ```ts
 * // one image, two pixels, classes {bg, fg}: y = [[1, 0], [0, 1]], p = [[0.8, 0.2], [0.4, 0.6]]
 * // bg: 1 - 1.6 / 2.2, fg: 1 - 1.2 / 1.8; mean = 0.3030303 (smoothing 0)
 * diceReference(ndarray([1, 0, 0, 1], [1, 2, 2]), ndarray([0.8, 0.2, 0.4, 0.6], [1, 2, 2]),
 *   { smoothNr: 0, smoothDr: 0 }).data[0]; // 0.3030303
 * ```
 * @see Milletari, Navab & Ahmadi, V-Net, 3DV 2016; MONAI `DiceLoss`.
 */
export function diceReference(yTrue: NdArray, yPred: NdArray, options?: Partial<DiceOptions>): NdArray {
  const where = diceSpec.name;
  const opts = resolveOptions(where, options, diceSpec.defaults);
  return regionLossReference(where, yTrue, yPred, opts, diceParams(opts));
}
