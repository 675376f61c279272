import { COMMON_DEFAULTS, type AnnotatedInput, type CommonLossOptions } from '../shared/options.js';
import { fail } from '../../core/errors.js';
import { checkAnnotatedForm, checkEpsilon, checkReduction, type LossSpec } from '../shared/spec.js';

/** Options of {@link marginalCrossEntropy}: the common ones plus `annotated` (default `'infer'`). */
export interface MarginalCrossEntropyOptions extends CommonLossOptions {
  annotated: AnnotatedInput;
}

/**
 * Marginal cross-entropy for partially labelled images (Shi et al. 2021's marginal loss; Fang & Yan
 * 2020's target adaptive loss).
 *
 * In image n let `M_n` be the classes it does not annotate (from `annotated`; background is always
 * annotated). A pixel labelled background there may truly be any class of `M_n`, so the loss scores the
 * merged class "background or unannotated": probabilities (not logits) are merged,
 *   `q_i0 = p_i0 + sum_{k in M_n} p_ik`,  `q_ik = p_ik` for annotated `k >= 1`,
 *   `L_i = -sum_{c not in M_n} t_ic log clip(q_ic, eps, 1 - eps)`.
 * From logits z: `log q_i0 = logsumexp_{k in {0} u M_n} z_ik - logsumexp_k z_ik`, `log q_ik = log softmax`.
 *
 * Targets on unannotated classes: with an explicit `[N, C]` mask, a pixel of `yTrue` may carry mass on a
 * class the mask calls unannotated. That mass is moved to the merged background target,
 * `t_i0 = y_i0 + sum_{k in M_n} y_ik` (`t_ik = y_ik` otherwise): the pixel belongs to the merged class,
 * so the loss stays a proper cross-entropy instead of failing or dropping the pixel. With `'infer'` this
 * never happens (a class with mass in an image counts as annotated there).
 *
 * An explicit mask must be binary (0 or 1): a class is merged or it is not.
 * When every class is annotated the loss is the plain cross-entropy. `reduction: 'mean'` averages over
 * every (valid) pixel.
 *
 * Shapes: `yTrue`, `yPred` `[N, H, W, C]` or `[N, P, C]`; `annotated` `'infer'` or `[N, C]`; the map is
 * `[N, H, W]` / `[N, P]`.
 *
 * @example
 * ```ts
 * // one background pixel, logits z = [2, 0.5, 1], class 2 unannotated:
 * // L = -(log(e^2 + e^1) - log(e^2 + e^0.5 + e^1)) = 0.151107
 * ```
 */
export const marginalCrossEntropySpec: LossSpec<MarginalCrossEntropyOptions> = {
  name: 'marginal-crossentropy',
  summary: 'cross-entropy with unannotated classes merged into background (marginal / target adaptive loss)',
  paper:
    'Shi et al., Marginal loss and exclusion loss for partially supervised multi-organ segmentation, ' +
    'Medical Image Analysis 2021; Fang & Yan, Multi-organ segmentation over partially labeled datasets ' +
    'with multi-scale feature abstraction, IEEE TMI 2020',
  defaults: { ...COMMON_DEFAULTS, annotated: 'infer' },
  takesAnnotated: true,
  takesIgnoreMask: true,
  minClasses: 2,
  check(options) {
    const where = 'marginal-crossentropy';
    checkReduction(where, options.reduction);
    checkEpsilon(where, options.epsilon);
    checkAnnotatedForm(where, options.annotated, false);
  },
};

/** Fails unless every entry of the annotated mask is exactly 0 or 1. */
export function checkBinaryMask(where: string, mask: ArrayLike<number>): void {
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] !== 0 && mask[i] !== 1) {
      fail(where, `annotated has ${mask[i]} at flat index ${i}; expected 0 or 1 (a class is merged or not)`);
    }
  }
}
