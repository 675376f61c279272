import type { Reduction } from '../../core/reduction.js';
import type { ArrayInput } from '../../core/tensor-input.js';
import { checkChoice, checkNumber } from '../../core/validate.js';
import type { AnnotatedInput } from '../shared/options.js';
import type { TverskyParams } from '../shared/region-stats.js';
import { checkAnnotatedForm, checkReduction, type LossSpec } from '../shared/spec.js';

/**
 * Options of {@link exclusionLoss}.
 *
 * - `fromLogits` (false): `yPred` holds logits; a softmax over classes gives the probabilities.
 * - `reduction` ('mean'): `'none'` gives the `[N, C]` map (0 for annotated classes and background).
 * - `ignoreMask` (null): per-pixel, 1 = ignore; ignored pixels add nothing (zero gradient).
 * - `annotated` ('infer'): which classes each image labels; the loss acts on the others.
 * - `smoothDr` (1e-5, must be > 0): added to the denominator only, so an empty exclusion region or an
 *   empty prediction scores exactly 0.
 * - `classes` ('unannotated'): which foreground classes get an exclusion term. `'unannotated'`: the
 *   classes the image does not label, against its labelled foreground. `'all'`, as in the authors'
 *   released code (MIRACLE-Center/Partially-supervised-multi-organ-segmentation,
 *   nnunet/training/loss_functions/dice_loss.py, `expand_gt`): in every image that leaves some
 *   foreground class unlabelled, also each labelled class `c`, against the complement `1 − y_c` of its
 *   own label (where `c` is known to be absent).
 */
export interface ExclusionOptions {
  fromLogits: boolean;
  reduction: Reduction;
  ignoreMask: ArrayInput | null;
  annotated: AnnotatedInput;
  smoothDr: number;
  classes: 'unannotated' | 'all';
}

/**
 * Exclusion Dice loss (Shi et al. 2021, sec. "exclusion loss"): organs do not overlap, so a class that
 * image n does not label must not be predicted on the foreground that image n does label.
 *
 * Formula: with `A[n, k]` the annotated mask and the exclusion region of image n
 *   `e_i = sum_{k >= 1} A[n, k] y_ik`   (the union of the labelled foreground; one-hot labels make the
 *   sum a union),
 * each unannotated class `c >= 1` of image n (weight `u[n, c] = 1 - A[n, c]`) scores the soft Dice
 * coefficient of its prediction with that region, which the loss minimises:
 *   `L[n, c] = 2 sum_i v_i e_i p_ic / (sum_i v_i e_i + sum_i v_i p_ic + smoothDr)`,
 * reduced as `sum u L / sum u` (`v` = valid pixels). In region statistics (`y := e`), `L` is the Tversky
 * index with alpha = beta = 1/2, `smoothNr = 0`, `smoothDr / 2`. By default annotated classes get no
 * exclusion term (the ordinary or marginal Dice already penalises their predictions outside their
 * labels); `classes: 'all'` adds them as the authors' code does: for annotated `c` the region is
 * `1 − y_ic` and `u[n, c] = 1` for every `c >= 1` of an image with an unannotated foreground class.
 * Fang & Yan (IEEE TMI 2020) use the same mutual-exclusion prior for partially labelled organs.
 *
 * Shapes: `[N, H, W, C]` or `[N, P, C]`; map `[N, C]`.
 */
export const exclusionSpec: LossSpec<ExclusionOptions> = {
  name: 'exclusion',
  summary: 'Dice overlap of each unannotated class with the labelled foreground of its image (to minimise)',
  paper:
    'Shi, Xiao, Chen & Zhou, Medical Image Analysis 70 (2021) 101979 (arXiv:2007.03868); Fang & Yan, IEEE TMI 39(11) 2020',
  defaults: {
    fromLogits: false,
    reduction: 'mean',
    ignoreMask: null,
    annotated: 'infer',
    smoothDr: 1e-5,
    classes: 'unannotated',
  },
  takesAnnotated: true,
  takesIgnoreMask: true,
  minClasses: 2,
  check(options) {
    const where = 'exclusion';
    checkReduction(where, options.reduction);
    checkAnnotatedForm(where, options.annotated, false);
    checkNumber(where, 'smoothDr', options.smoothDr, 0, Number.MAX_VALUE, true);
    checkChoice(where, 'classes', options.classes, ['unannotated', 'all']);
  },
};

/** The Tversky parameters of the exclusion score `2 tp / (2 tp + fp + fn + s)` (checked options). */
export function exclusionParams(opts: ExclusionOptions): TverskyParams {
  return { alpha: 0.5, beta: 0.5, smoothNr: 0, smoothDr: opts.smoothDr / 2 };
}
