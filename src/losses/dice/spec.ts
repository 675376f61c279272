import type { Reduction } from '../../core/reduction.js';
import type { ArrayInput } from '../../core/tensor-input.js';
import type { AnnotatedInput } from '../shared/options.js';

/**
 * Options shared by the region losses (Dice, Jaccard, Tversky), covering MONAI's `DiceLoss`.
 *
 * - `fromLogits`: `yPred` holds logits; the loss turns them into probabilities with `activation`
 *   (the library-wide meaning: `fromLogits` alone applies a softmax over classes). Without `fromLogits`,
 *   `yPred` holds probabilities and `activation` must stay `'softmax'` (it is then unused).
 * - `activation`: `'softmax'` (default) or `'sigmoid'` (each class independently, as MONAI's
 *   `sigmoid=True`); read only with `fromLogits: true`.
 * - `reduction`: `'none'` returns the per-image, per-class map `[N, C]` (`[1, C]` with `batch`), each
 *   entry multiplied by its weight; `'mean'` = `sum w L / sum w`; `'sum'` = `sum w L`.
 * - `ignoreMask`: per-pixel, 1 = ignore; ignored pixels add nothing to any statistic (zero gradient).
 * - `includeBackground` (true): false gives class 0 weight 0 (MONAI `include_background=False`).
 * - `squaredPred` (false): denominators use `sum p^2 + sum y^2` (MONAI `squared_pred`).
 * - `smoothNr`, `smoothDr` (1e-5): smoothing of numerator and denominator (MONAI `smooth_nr`, `smooth_dr`).
 * - `batch` (false): sum the statistics over the images first, one score per class (MONAI `batch`).
 * - `classWeights` (null): `C` non-negative weights; the mean is weighted (`sum w L / sum w`), so uniform
 *   weights change nothing (MONAI instead multiplies and keeps the plain mean).
 * - `annotated` (null = every class counts): `'infer'` or an `[N, C]` mask; an unannotated class of an
 *   image gets weight 0, i.e. it is left out of the mean (with `batch`, image n enters class c's pooled
 *   statistics only if it annotates c).
 *
 * Empty classes: with `smoothNr = smoothDr`, a class absent from the target and predicted empty scores
 * index 1, loss 0; absent but predicted scores about loss 1. With both smoothings 0 the index is defined
 * as 1 when its denominator is 0.
 */
export interface RegionLossOptions {
  fromLogits: boolean;
  activation: 'softmax' | 'sigmoid';
  reduction: Reduction;
  ignoreMask: ArrayInput | null;
  includeBackground: boolean;
  squaredPred: boolean;
  smoothNr: number;
  smoothDr: number;
  batch: boolean;
  classWeights: readonly number[] | null;
  annotated: AnnotatedInput | null;
}

/** Defaults of {@link RegionLossOptions} (MONAI's `DiceLoss` defaults, channels last). */
export const REGION_DEFAULTS: RegionLossOptions = {
  fromLogits: false,
  activation: 'softmax',
  reduction: 'mean',
  ignoreMask: null,
  includeBackground: true,
  squaredPred: false,
  smoothNr: 1e-5,
  smoothDr: 1e-5,
  batch: false,
  classWeights: null,
  annotated: null,
};

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
 * Shapes: `yTrue`, `yPred` `[N, H, W, C]` or `[N, P, C]`; map `[N, C]` (`[1, C]` with `batch`).
 */
export const diceSpec = {
  name: 'dice',
  summary: 'soft Dice loss per image and class: 1 - (2 sum yp + s) / (sum y + sum p + s)',
  paper:
    'Milletari, Navab & Ahmadi, V-Net, 3DV 2016 (arXiv:1606.04797); options as MONAI DiceLoss (monai/losses/dice.py)',
  defaults: { ...REGION_DEFAULTS, jaccard: false } as DiceOptions,
} as const;
