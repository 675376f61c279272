import { scalar, type NdArray } from '../../core/ndarray.js';
import { resolveOptions } from '../../core/validate.js';
import { binaryCrossEntropyReference } from '../binary-crossentropy/reference.js';
import { diceReference } from '../dice/reference.js';
import { asOwnError } from '../shared/spec.js';
import { multilabelPartialSpec, termOptions, type MultilabelPartialOptions } from './spec.js';

/**
 * BCE + Dice over annotated classes, over typed arrays; the oracle of {@link multilabelPartial}.
 *
 * @example
 * ```ts
 * // one pixel, classes {a, b}, only a annotated: t = [1, 0], p = [0.8, 0.9]; smoothing 0
 * // BCE over a: -log 0.8; Dice of a: 1 - 1.6 / 1.8 -> 0.22314355 + 0.11111111
 * multilabelPartialReference(ndarray([1, 0], [1, 1, 2]), ndarray([0.8, 0.9], [1, 1, 2]),
 *   { annotated: ndarray([1, 0], [1, 2]), smoothNr: 0, smoothDr: 0 }).data[0]; // 0.33425466
 * ```
 * @see Ulrich et al., MultiTalent, MICCAI 2023.
 */
export function multilabelPartialReference(
  yTrue: NdArray,
  yPred: NdArray,
  options?: Partial<MultilabelPartialOptions>,
): NdArray {
  const where = multilabelPartialSpec.name;
  const opts = resolveOptions(where, options, multilabelPartialSpec.defaults);
  multilabelPartialSpec.check(opts);
  const parts = termOptions(opts, yPred.shape[yPred.shape.length - 1]);
  return asOwnError(where, () => {
    const bce = binaryCrossEntropyReference(yTrue, yPred, parts.bce).data[0];
    const d = diceReference(yTrue, yPred, parts.dice).data[0];
    return scalar(opts.lambdaBce * bce + opts.lambdaDice * d);
  });
}
