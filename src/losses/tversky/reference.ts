import type { NdArray } from '../../core/ndarray.js';
import { regionLossReference } from '../shared/region.js';
import { tverskyParams, tverskySpec, type TverskyOptions } from './spec.js';

/**
 * Tversky loss over typed arrays; the oracle of {@link tversky}.
 *
 * Formula: `L[n, c] = 1 - (tp + smoothNr) / (tp + alpha fp + beta fn + smoothDr)`, reduced as
 * `sum w L / sum w`.
 *
 * @example
 * ```ts
 * // y = [[1, 0], [0, 1]], p = [[0.8, 0.2], [0.4, 0.6]], alpha 0.3, beta 0.7:
 * // bg 1 - 0.8 / (0.8 + 0.3 * 0.4 + 0.7 * 0.2), fg 1 - 0.6 / (0.6 + 0.3 * 0.2 + 0.7 * 0.4)
 * tverskyReference(ndarray([1, 0, 0, 1], [1, 2, 2]), ndarray([0.8, 0.2, 0.4, 0.6], [1, 2, 2]),
 *   { alpha: 0.3, beta: 0.7, smoothNr: 0, smoothDr: 0 }).data[0]; // 0.30349257
 * ```
 * @see Salehi, Erdogmus & Gholipour, MLMI 2017; MONAI `TverskyLoss`.
 */
export function tverskyReference(yTrue: NdArray, yPred: NdArray, options?: Partial<TverskyOptions>): NdArray {
  return regionLossReference(tverskySpec, yTrue, yPred, options, tverskyParams);
}
