import { fail } from '../../core/errors.js';
import { COMMON_DEFAULTS, type AnnotatedInput, type CommonLossOptions } from '../shared/options.js';
import {
  checkAnnotatedForm,
  checkClassWeights,
  checkEpsilon,
  checkLabelSmoothing,
  checkReduction,
  type LossSpec,
} from '../shared/spec.js';

/**
 * Options of {@link binaryCrossEntropy}: the common ones plus
 *
 * - `fromLogits`: `yPred` holds logits `z`; the loss uses `log sigmoid(z) = -softplus(-z)` and
 *   `log(1 - sigmoid(z)) = -softplus(z)` (stable for any `z`, no clipping).
 * - `posWeight` (null = 1): a number, or one per channel (length C), multiplying the positive term
 *   (PyTorch's `BCEWithLogitsLoss(pos_weight)`).
 * - `labelSmoothing` (0): `t' = t (1 - ls) + ls / 2` (Keras' `BinaryCrossentropy(label_smoothing)`).
 * - `annotated` (null = every channel counts): `'infer'` or an `[N, C]` mask; channel c of image n
 *   enters the loss only where `A[n, c] = 1`. Every channel is an ordinary class here (multi-label or
 *   binary outputs): channel 0 follows the mask too.
 */
export interface BinaryCrossEntropyOptions extends CommonLossOptions {
  posWeight: number | readonly number[] | null;
  labelSmoothing: number;
  annotated: AnnotatedInput | null;
}

/**
 * Binary cross-entropy per element for one-channel (binary) and multi-label (per-class sigmoid) outputs.
 *
 * Formula, per pixel i and channel c with target `t' = t (1 - ls) + ls / 2`, `w = posWeight_c`:
 *   probabilities: `l = -(w t' log q + (1 - t') log(1 - q))`, `q = clip(p, eps, 1 - eps)`;
 *   logits: `l = w t' softplus(-z) + (1 - t') softplus(z)`.
 * The map is `L_i = sum_{c in K_n} l_ic / C` (`K_n` the annotated channels of image n; all C without a
 * mask), so with every channel kept it is Keras' mean over the last axis. `'mean'` is the mean over the
 * kept elements, `sum_i L_i / sum_i |K_n| / C` (MultiTalent's BCE over the annotated classes only),
 * `'sum'` is `sum_i L_i`. An empty kept set (no annotated class in the batch) gives 0 with zero gradient.
 *
 * Shapes: `[N, H, W, C]` or `[N, P, C]`, C >= 1; the map `[N, H, W]` / `[N, P]`.
 *
 * @example
 * ```ts
 * // Keras' BinaryCrossentropy docstring: t = [0, 1, 0, 0], z = [-18.6, 0.51, 2.94, -12.8] -> 0.865
 * binaryCrossEntropy(tf.tensor3d([[[0], [1], [0], [0]]]), tf.tensor3d([[[-18.6], [0.51], [2.94], [-12.8]]]),
 *   { fromLogits: true }).dataSync()[0]; // 0.8654
 * ```
 */
export const binaryCrossEntropySpec: LossSpec<BinaryCrossEntropyOptions> = {
  name: 'binary-crossentropy',
  summary: 'binary cross-entropy per element (sigmoid outputs, one channel or multi-label), posWeight',
  paper:
    'standard (Goodfellow, Bengio & Courville, Deep Learning, 2016, sec. 6.2.2.2); pos_weight as PyTorch ' +
    'BCEWithLogitsLoss; partial labels as MultiTalent (Ulrich et al., MICCAI 2023)',
  defaults: { ...COMMON_DEFAULTS, posWeight: null, labelSmoothing: 0, annotated: null },
  takesAnnotated: true,
  takesIgnoreMask: true,
  minClasses: 1,
  check(options, classes) {
    const where = 'binary-crossentropy';
    checkReduction(where, options.reduction);
    checkEpsilon(where, options.epsilon);
    checkLabelSmoothing(where, options.labelSmoothing);
    checkAnnotatedForm(where, options.annotated, true);
    const w = options.posWeight;
    if (w === null) return;
    if (typeof w === 'number') {
      if (!(Number.isFinite(w) && w >= 0)) fail(where, `option 'posWeight' is ${w}; expected a number >= 0`);
      return;
    }
    if (!Array.isArray(w)) fail(where, `option 'posWeight' must be null, a number or one number per channel`);
    try {
      checkClassWeights(where, w, classes);
    } catch (e) {
      fail(
        where,
        (e as Error).message.replace(/^segloss: [^:]+: option 'classWeights'/, "option 'posWeight'"),
      );
    }
  },
};

/** The positive weight of each of `c` channels (checked options). */
export function positiveWeights(options: BinaryCrossEntropyOptions, c: number): Float32Array {
  const w = options.posWeight;
  return Float32Array.from({ length: c }, (_, k) => (w === null ? 1 : typeof w === 'number' ? w : w[k]));
}
