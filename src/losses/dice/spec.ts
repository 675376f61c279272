import { checkRegionOptions, REGION_DEFAULTS, type RegionLossOptions } from '../shared/region-options.js';
import type { LossSpec } from '../shared/spec.js';

/** Options of {@link dice}: the region options plus `jaccard` (MONAI's `jaccard` flag). */
export interface DiceOptions extends RegionLossOptions {
  jaccard: boolean;
}

/**
 * Soft Dice loss per image and class, channels last (MONAI `DiceLoss`).
 *
 * Formula, per image n and class c (sums over the valid pixels i of image n, or of the batch):
 *   `I = sum_i y p`, `G = sum_i y` (`y^2` with squaredPred), `P = sum_i p` (`p^2`),
 *   `L = 1 - (2 I + smoothNr) / (G + P + smoothDr)`;
 *   with `jaccard: true`, `L = 1 - (2 I + smoothNr) / (2 (G + P - I) + smoothDr)`.
 * In region statistics, `G + P = 2 tp + fp + fn`, so Dice is the Tversky index with alpha = beta = 1/2
 * and halved smoothing, and `jaccard` is alpha = beta = 1 with halved smoothing.
 * Reduced as `sum_{n,c} w L / sum w` (see {@link RegionLossOptions}).
 *
 * One channel (`C = 1`, mode `'binary'`): the foreground's Dice alone, probabilities `sigmoid(z)` from
 * logits (MONAI's `DiceLoss(sigmoid=True)` on one channel).
 *
 * Shapes: `yTrue`, `yPred` `[N, H, W, C]` or `[N, P, C]`, C >= 1; map `[N, C]` (`[1, C]` with `batch`).
 */
export const diceSpec: LossSpec<DiceOptions> = {
  name: 'dice',
  summary: 'soft Dice loss per image and class: 1 - (2 sum yp + s) / (sum y + sum p + s)',
  paper:
    'Milletari, Navab & Ahmadi, V-Net, 3DV 2016 (arXiv:1606.04797); options as MONAI DiceLoss (monai/losses/dice.py)',
  defaults: { ...REGION_DEFAULTS, jaccard: false },
  takesAnnotated: true,
  takesIgnoreMask: true,
  minClasses: 1,
  check(options, classes) {
    checkRegionOptions('dice', options, classes);
  },
};
