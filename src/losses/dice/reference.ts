import type { NdArray } from '../../core/ndarray.js';
import { diceParams, regionLossReference } from '../shared/region.js';
import { diceSpec, type DiceOptions } from './spec.js';

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
  return regionLossReference(diceSpec, yTrue, yPred, options, diceParams);
}
