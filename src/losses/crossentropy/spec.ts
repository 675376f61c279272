import { COMMON_DEFAULTS, type CommonLossOptions } from '../shared/options.js';
import {
  checkClassWeights,
  checkEpsilon,
  checkLabelSmoothing,
  checkReduction,
  type LossSpec,
} from '../shared/spec.js';

/**
 * Options of {@link crossEntropy}: the common ones ({@link CommonLossOptions}) plus
 *
 * - `classWeights`: `null` or one weight `w_c >= 0` per class (length C). The per-pixel loss becomes
 *   `-sum_c w_c y_c log p_c` and `reduction: 'mean'` divides by `sum_i sum_c w_c y_ic` (for one-hot
 *   targets the sum of `w_{y_i}` over valid pixels): PyTorch's `CrossEntropyLoss(weight=w)` with class
 *   indices. For soft targets we keep that denominator (PyTorch's probability-target mode divides by the
 *   pixel count instead). Uniform weights leave the mean unchanged.
 * - `labelSmoothing`: `ls` in `[0, 1)`, applied on the class (last) axis: `y' = y (1 - ls) + ls / C`, as
 *   PyTorch's `label_smoothing`. The weighted-mean denominator uses the unsmoothed targets, as PyTorch.
 */
export interface CrossEntropyOptions extends CommonLossOptions {
  classWeights: number[] | null;
  labelSmoothing: number;
}

/**
 * Categorical cross-entropy, per pixel, channels last.
 *
 * Formula (probabilities): `L_i = -sum_c w_c y'_ic * log(clip(p_ic, eps, 1 - eps))`,
 * `y'_ic = y_ic (1 - ls) + ls / C`.
 * Formula (logits z): `L_i = -sum_c w_c y'_ic * (z_ic - logsumexp_k z_ik)`.
 * `reduction: 'mean'`: `sum_i v_i L_i / sum_i v_i` without class weights (v = valid pixels), and
 * `sum_i v_i L_i / sum_i v_i sum_c w_c y_ic` with them (PyTorch's weighted mean).
 *
 * Shapes: `yTrue`, `yPred` `[N, H, W, C]` or `[N, P, C]`; the map (`reduction: 'none'`) is `[N, H, W]` /
 * `[N, P]`.
 *
 * @example
 * ```ts
 * // y = [0, 1], p = [0.2, 0.8], classWeights [1, 3], labelSmoothing 0.1: y' = [0.05, 0.95]
 * // L = -(1 * 0.05 log 0.2 + 3 * 0.95 log 0.8) = 0.71643; mean divides by w_1 = 3: 0.23881
 * ```
 */
export const crossEntropySpec: LossSpec<CrossEntropyOptions> = {
  name: 'crossentropy',
  summary: 'categorical cross-entropy per pixel: -sum_c w_c y_c log p_c, optional label smoothing',
  paper:
    'standard; e.g. Goodfellow, Bengio & Courville, Deep Learning (2016), sec. 6.2.2.2; label smoothing: ' +
    'Szegedy et al., CVPR 2016',
  defaults: { ...COMMON_DEFAULTS, classWeights: null, labelSmoothing: 0 },
  takesAnnotated: false,
  takesIgnoreMask: true,
  minClasses: 2,
  check(options, classes) {
    checkReduction('crossentropy', options.reduction);
    checkEpsilon('crossentropy', options.epsilon);
    checkClassWeights('crossentropy', options.classWeights, classes);
    checkLabelSmoothing('crossentropy', options.labelSmoothing);
  },
};
