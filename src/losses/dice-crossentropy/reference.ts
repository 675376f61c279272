import { scalar, type NdArray } from '../../core/ndarray.js';
import { resolveOptions } from '../../core/validate.js';
import { crossEntropyReference } from '../crossentropy/reference.js';
import { diceReference } from '../dice/reference.js';
import { asOwnError } from '../shared/spec.js';
import { diceCrossEntropySpec, splitOptions, type DiceCrossEntropyOptions } from './spec.js';

/**
 * Dice plus cross-entropy over typed arrays; the oracle of {@link diceCrossEntropy}.
 *
 * Formula: `L = lambdaDice * dice + lambdaCe * crossentropy`, both reduced by `reduction`.
 *
 * @example
 * ```ts
 * // y = [[1, 0], [0, 1]], p = [[0.8, 0.2], [0.4, 0.6]], no smoothing:
 * // dice 0.3030303 + CE (-log 0.8 - log 0.6) / 2 = 0.36698459 -> 0.67001489
 * diceCrossEntropyReference(ndarray([1, 0, 0, 1], [1, 2, 2]), ndarray([0.8, 0.2, 0.4, 0.6], [1, 2, 2]),
 *   { smoothNr: 0, smoothDr: 0 }).data[0]; // 0.67001489
 * ```
 * @see MONAI `DiceCELoss`; Isensee et al., nnU-Net (2021).
 */
export function diceCrossEntropyReference(
  yTrue: NdArray,
  yPred: NdArray,
  options?: Partial<DiceCrossEntropyOptions>,
): NdArray {
  const opts = resolveOptions(diceCrossEntropySpec.name, options, diceCrossEntropySpec.defaults);
  diceCrossEntropySpec.check(opts);
  const parts = splitOptions(opts);
  return asOwnError(diceCrossEntropySpec.name, () => {
    const d = diceReference(yTrue, yPred, parts.dice).data[0];
    const ce = crossEntropyReference(yTrue, yPred, parts.ce).data[0];
    return scalar(opts.lambdaDice * d + opts.lambdaCe * ce);
  });
}
