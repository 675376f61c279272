import { checkRegionOptions, REGION_DEFAULTS, type RegionLossOptions } from '../shared/region-options.js';
import type { LossSpec } from '../shared/spec.js';

/** Options of {@link jaccard}: the region options ({@link RegionLossOptions}). */
export type JaccardOptions = RegionLossOptions;

/**
 * Soft Jaccard (IoU) loss per image and class: MONAI's `DiceLoss(jaccard=True)`, exactly.
 *
 * Formula: `I = sum_i y p`, `G = sum_i y`, `P = sum_i p` (squares with `squaredPred`),
 *   `L = 1 - (2 I + smoothNr) / (2 (G + P - I) + smoothDr)`
 *     `= 1 - (tp + smoothNr/2) / (tp + fp + fn + smoothDr/2)`,
 * the Tversky index with alpha = beta = 1 (smp's `soft_jaccard_score`) at halved smoothing. Same options
 * and reduction as {@link diceSpec}; `dice` with `jaccard: true` gives the same numbers.
 *
 * Shapes: `[N, H, W, C]` or `[N, P, C]`, C >= 1 (one channel: binary, sigmoid from logits); map `[N, C]` (`[1, C]` with `batch`).
 */
export const jaccardSpec: LossSpec<JaccardOptions> = {
  name: 'jaccard',
  summary: 'soft Jaccard (IoU) loss per image and class: 1 - (I + s) / (G + P - I + s)',
  paper:
    'Rahman & Wang, Optimizing intersection-over-union in deep neural networks, ISVC 2016; MONAI DiceLoss(jaccard=True)',
  defaults: { ...REGION_DEFAULTS },
  takesAnnotated: true,
  takesIgnoreMask: true,
  minClasses: 1,
  check(options, classes) {
    checkRegionOptions('jaccard', options, classes);
  },
};
