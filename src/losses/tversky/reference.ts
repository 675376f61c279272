import type { NdArray } from '../../core/ndarray.js';
import { checkNumber, resolveOptions } from '../../core/validate.js';
import type { TverskyParams } from '../shared/region-stats.js';
import { regionLossReference } from '../dice/region.js';
import { tverskySpec, type TverskyOptions } from './spec.js';

/** Checks `alpha` and `beta` (finite, >= 0) and returns the Tversky parameters. */
export function tverskyParams(opts: TverskyOptions): TverskyParams {
  checkNumber(tverskySpec.name, 'alpha', opts.alpha, 0, Number.MAX_VALUE);
  checkNumber(tverskySpec.name, 'beta', opts.beta, 0, Number.MAX_VALUE);
  return { alpha: opts.alpha, beta: opts.beta, smoothNr: opts.smoothNr, smoothDr: opts.smoothDr };
}

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
  const where = tverskySpec.name;
  const opts = resolveOptions(where, options, tverskySpec.defaults);
  return regionLossReference(where, yTrue, yPred, opts, tverskyParams(opts));
}
