import type { NdArray } from '../../core/ndarray.js';
import { diceParams, regionLossReference } from '../shared/region.js';
import { jaccardSpec, type JaccardOptions } from './spec.js';

/**
 * Soft Jaccard loss over typed arrays; the oracle of {@link jaccard}.
 *
 * Formula: `L[n, c] = 1 - (2 I + smoothNr) / (2 (G + P - I) + smoothDr)`, reduced as `sum w L / sum w`.
 *
 * @example
 * ```ts
 * // y = [[1, 0], [0, 1]], p = [[0.8, 0.2], [0.4, 0.6]]: bg 1 - 0.8 / 1.4, fg 1 - 0.6 / 1.2
 * jaccardReference(ndarray([1, 0, 0, 1], [1, 2, 2]), ndarray([0.8, 0.2, 0.4, 0.6], [1, 2, 2]),
 *   { smoothNr: 0, smoothDr: 0 }).data[0]; // 0.46428571
 * ```
 * @see Rahman & Wang, ISVC 2016; MONAI `DiceLoss(jaccard=True)`.
 */
export function jaccardReference(yTrue: NdArray, yPred: NdArray, options?: Partial<JaccardOptions>): NdArray {
  return regionLossReference(jaccardSpec, yTrue, yPred, options, (o) => diceParams({ ...o, jaccard: true }));
}
