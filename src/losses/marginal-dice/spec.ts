import { checkRegionOptions, REGION_DEFAULTS, type RegionLossOptions } from '../shared/region-options.js';
import type { AnnotatedInput } from '../shared/options.js';
import { checkAnnotatedForm, type LossSpec } from '../shared/spec.js';

/**
 * Options of {@link marginalDice}: the region options without `mode` and `activation` (multiclass only:
 * logits always go through a softmax, merging needs probabilities that sum to 1), with `annotated` required (default `'infer'`).
 */
export interface MarginalDiceOptions extends Omit<RegionLossOptions, 'activation' | 'annotated' | 'mode'> {
  annotated: AnnotatedInput;
}

/**
 * Marginal Dice loss (Shi et al. 2021): soft Dice on probabilities merged to the classes image n labels.
 *
 * Formula: with `A[n, k]` the annotated mask (`'infer'` or `[N, C]`) and `M_n = {k >= 1 : A[n, k] = 0}`
 * the unannotated classes of image n, the merged ("marginal") background and classes are
 *   `q_0 = p_0 + sum_{k in M_n} p_k`,  `q_k = p_k` for annotated k (and the same merge of `y`),
 * and the loss is the Dice loss of {@link diceSpec} on `(t, q)` over the classes `{0} ∪ annotated`
 * (the merged background always counts; unannotated classes get weight 0):
 *   `L[n, c] = 1 - (2 sum_i t q + smoothNr) / (sum_i t + sum_i q + smoothDr)`.
 * A fractional `A` merges linearly: `q_k = A p_k`, `q_0 = p_0 + sum_{k >= 1} (1 - A_k) p_k`.
 * With every class annotated it equals `dice`.
 *
 * Shapes: `[N, H, W, C]` or `[N, P, C]`; map `[N, C]` (`[1, C]` with `batch`).
 */
export const marginalDiceSpec: LossSpec<MarginalDiceOptions> = {
  name: 'marginal-dice',
  summary: 'Dice on merged probabilities: unannotated classes of an image are summed into its background',
  paper:
    'Shi, Xiao, Chen & Zhou, Marginal loss and exclusion loss for partially supervised multi-organ segmentation, Medical Image Analysis 70 (2021) 101979 (arXiv:2007.03868)',
  defaults: {
    fromLogits: REGION_DEFAULTS.fromLogits,
    reduction: REGION_DEFAULTS.reduction,
    ignoreMask: REGION_DEFAULTS.ignoreMask,
    includeBackground: REGION_DEFAULTS.includeBackground,
    squaredPred: REGION_DEFAULTS.squaredPred,
    smoothNr: REGION_DEFAULTS.smoothNr,
    smoothDr: REGION_DEFAULTS.smoothDr,
    batch: REGION_DEFAULTS.batch,
    classWeights: REGION_DEFAULTS.classWeights,
    annotated: 'infer',
  },
  takesAnnotated: true,
  takesIgnoreMask: true,
  minClasses: 2,
  check(options, classes) {
    checkRegionOptions('marginal-dice', options, classes);
    checkAnnotatedForm('marginal-dice', options.annotated, false);
  },
};
