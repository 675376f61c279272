import { checkNumber } from '../../core/validate.js';
import { checkRegionOptions, REGION_DEFAULTS, type RegionLossOptions } from '../shared/region-options.js';
import type { TverskyParams } from '../shared/region-stats.js';
import type { LossSpec } from '../shared/spec.js';

/** Options of {@link tversky}: the region options plus `alpha` (false-positive weight) and `beta` (false-negative weight). */
export interface TverskyOptions extends RegionLossOptions {
  alpha: number;
  beta: number;
}

/**
 * Tversky loss per image and class (MONAI `TverskyLoss`, smp `TverskyLoss`).
 *
 * Formula: `tp = sum_i y p`, `fp = sum_i (1 - y) p`, `fn = sum_i y (1 - p)` over valid pixels,
 *   `L = 1 - (tp + smoothNr) / (tp + alpha fp + beta fn + smoothDr)`.
 * `alpha = beta = 0.5` is Dice with doubled smoothing; `alpha = beta = 1` is Jaccard with doubled
 * smoothing (equal exactly when both smoothings are 0). `squaredPred` uses `fp = sum p^2 - tp`,
 * `fn = sum y^2 - tp`. Options and reduction as {@link diceSpec}.
 *
 * Shapes: `[N, H, W, C]` or `[N, P, C]`, C >= 1 (one channel: binary, sigmoid from logits); map `[N, C]` (`[1, C]` with `batch`).
 */
export const tverskySpec: LossSpec<TverskyOptions> = {
  name: 'tversky',
  summary: 'Tversky loss per image and class: 1 - (tp + s) / (tp + alpha fp + beta fn + s)',
  paper:
    'Salehi, Erdogmus & Gholipour, Tversky loss function for image segmentation, MLMI 2017 (arXiv:1706.05721)',
  defaults: { ...REGION_DEFAULTS, alpha: 0.5, beta: 0.5 },
  takesAnnotated: true,
  takesIgnoreMask: true,
  minClasses: 1,
  check(options, classes) {
    checkRegionOptions('tversky', options, classes);
    checkNumber('tversky', 'alpha', options.alpha, 0, Number.MAX_VALUE);
    checkNumber('tversky', 'beta', options.beta, 0, Number.MAX_VALUE);
  },
};

/** The Tversky parameters of checked options (the smoothing terms unscaled). */
export function tverskyParams(opts: TverskyOptions): TverskyParams {
  return { alpha: opts.alpha, beta: opts.beta, smoothNr: opts.smoothNr, smoothDr: opts.smoothDr };
}
