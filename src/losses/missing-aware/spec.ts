import { COMMON_DEFAULTS, type AnnotatedInput, type CommonLossOptions } from '../shared/options.js';
import { checkAnnotatedForm, checkEpsilon, checkReduction, type LossSpec } from '../shared/spec.js';

/** Options of {@link missingAwareCrossEntropy}: the common ones plus `annotated` (default `'infer'`). */
export interface MissingAwareOptions extends CommonLossOptions {
  annotated: AnnotatedInput;
}

/**
 * The post's missing-annotation-aware cross-entropy.
 *
 * Formula: with `A[n, c]` the annotated mask (inferred: `present[n, c] = any_i y[n, i, c] > 0`) and
 * `k_i = argmax_c p_ic` (ties to the lowest index, as `tf.argMax`),
 *   `w_i = prod_c [k_i != c or A[n, c]] = A[n, k_i]`,
 *   `L_i = -(w_i y_i0 log p_i0 + sum_{c >= 1} y_ic log p_ic)`.
 * A pixel labelled background whose predicted class has no annotation in its image adds nothing. `w` is a
 * mask: no gradient flows through the argmax. `reduction: 'mean'` averages over all (valid) pixels, as the
 * post does.
 */
export const missingAwareSpec: LossSpec<MissingAwareOptions> = {
  name: 'missing-aware-crossentropy',
  summary: "the post's loss: background term weight 0 where the predicted class is unannotated in the image",
  paper:
    'the segloss post (see README); cf. Shi et al., Medical Image Analysis 2021, for the marginal variant',
  defaults: { ...COMMON_DEFAULTS, annotated: 'infer' },
  takesAnnotated: true,
  takesIgnoreMask: true,
  minClasses: 2,
  check(options) {
    const where = 'missing-aware-crossentropy';
    checkReduction(where, options.reduction);
    checkEpsilon(where, options.epsilon);
    checkAnnotatedForm(where, options.annotated, false);
  },
};
