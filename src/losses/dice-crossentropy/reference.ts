import { fail } from '../../core/errors.js';
import { scalar, type NdArray } from '../../core/ndarray.js';
import { checkNumber, resolveOptions } from '../../core/validate.js';
import { crossEntropyReference } from '../crossentropy/reference.js';
import { diceReference } from '../dice/reference.js';
import type { DiceOptions } from '../dice/spec.js';
import type { CrossEntropyOptions } from '../crossentropy/spec.js';
import { diceCrossEntropySpec, type DiceCrossEntropyOptions } from './spec.js';

/** Splits the options into the Dice and cross-entropy parts, after checking reduction and the weights. */
export function splitOptions(opts: DiceCrossEntropyOptions): {
  dice: Partial<DiceOptions>;
  ce: Partial<CrossEntropyOptions>;
} {
  const where = diceCrossEntropySpec.name;
  if (opts.reduction !== 'mean' && opts.reduction !== 'sum') {
    fail(where, `option 'reduction' is ${JSON.stringify(opts.reduction)}; expected mean or sum`);
  }
  checkNumber(where, 'lambdaDice', opts.lambdaDice, 0, Number.MAX_VALUE);
  checkNumber(where, 'lambdaCe', opts.lambdaCe, 0, Number.MAX_VALUE);
  const { fromLogits, reduction, ignoreMask, classWeights } = opts;
  return {
    dice: {
      fromLogits,
      reduction,
      ignoreMask,
      includeBackground: opts.includeBackground,
      squaredPred: opts.squaredPred,
      smoothNr: opts.smoothNr,
      smoothDr: opts.smoothDr,
      batch: opts.batch,
      classWeights,
    },
    ce: { fromLogits, reduction, ignoreMask, classWeights, epsilon: opts.epsilon },
  };
}

/** Re-labels an error of a component loss as this loss's (`segloss: dice-crossentropy: ...`). */
export function asOwnError<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    const e = err as Error & { where?: string };
    if (e.name === 'SeglossError' && e.where !== undefined) {
      fail(diceCrossEntropySpec.name, e.message.slice(`segloss: ${e.where}: `.length));
    }
    throw err;
  }
}

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
  const parts = splitOptions(opts);
  return asOwnError(() => {
    const d = diceReference(yTrue, yPred, parts.dice).data[0];
    const ce = crossEntropyReference(yTrue, yPred, parts.ce).data[0];
    return scalar(opts.lambdaDice * d + opts.lambdaCe * ce);
  });
}
