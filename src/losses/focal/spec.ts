import { fail } from '../../core/errors.js';
import { checkNumber } from '../../core/validate.js';
import { COMMON_DEFAULTS, type AnnotatedInput, type CommonLossOptions } from '../shared/options.js';
import {
  checkAnnotatedForm,
  checkClassWeights,
  checkEpsilon,
  checkReduction,
  MODES,
  resolveMode,
  type LossSpec,
  type Mode,
} from '../shared/spec.js';

/**
 * Options of {@link focal}: the common ones plus
 *
 * - `reduction`: `'none'` gives the map (per pixel, the mean over its kept channels), `'mean'` its mean
 *   over the valid pixels (= MONAI's mean over all `N*C*H*W` elements), `'sum'` its sum. MONAI's `'sum'`
 *   differs: it sums over N and C the per-channel spatial means. We keep one meaning of `'sum'` for every
 *   per-pixel loss (the sum of the map); MONAI's value is our `'sum'` times `C / (H W)`.
 * - `mode` (null = infer): `'binary'` for one channel (sigmoid focal loss on the foreground, Keras'
 *   `BinaryFocalCrossentropy`), else `'multiclass'` (channel 0 = background); `'multilabel'` makes
 *   channel 0 an ordinary class (the `annotated` mask then applies to it too). `useSoftmax` needs
 *   `'multiclass'`.
 * - `gamma` (default 2): the focusing exponent, `>= 0`.
 * - `alpha` (default `null`): `null` or a number in `[0, 1]`. Sigmoid mode: `alpha` on positives
 *   (`t = 1`), `1 - alpha` on negatives, i.e. `t alpha + (1 - t)(1 - alpha)`. Softmax mode: `1 - alpha`
 *   on the background channel, `alpha` on the others (both as MONAI).
 * - `classWeights` (default `null`): one weight `>= 0` per class (length C, also when
 *   `includeBackground` is false), multiplying that channel's loss; the mean is not renormalised (as MONAI).
 * - `includeBackground` (default `true`): `false` leaves channel 0 out (refused with one channel). With
 *   `useSoftmax`, MONAI drops channel 0 before the softmax (renormalising over the foreground); we take
 *   the softmax over all C channels and drop channel 0's term after it, so the background logit stays in
 *   every probability (the model is still one softmax classifier); for MONAI's variant pass the
 *   foreground channels alone.
 * - `useSoftmax` (default `false`): categorical focal loss over the class axis instead of one binary focal
 *   loss per channel (multiclass only: a softmax over one channel is 1 everywhere).
 * - `annotated` (default `null` = every class counts): `'infer'` or an `[N, C]` mask; the channels of the
 *   classes an image does not annotate are left out for that image (background always stays).
 */
export interface FocalOptions extends CommonLossOptions {
  mode: Mode | null;
  gamma: number;
  alpha: number | null;
  classWeights: number[] | null;
  includeBackground: boolean;
  useSoftmax: boolean;
  annotated: AnnotatedInput | null;
}

/**
 * Focal loss per pixel, covering MONAI's `FocalLoss` (channels last here).
 *
 * Per element (pixel i, channel c), with target `t`, probability `p` (`yPred`, clipped to
 * `[eps, 1 - eps]`, or `sigmoid(z)` / `softmax(z)` from logits):
 *   sigmoid (default): `l = a_c w_c (p + t - 2 p t)^gamma * BCE`, `BCE = -(t log p + (1 - t) log(1 - p))`;
 *   from logits `BCE = max(z, 0) - z t + log(1 + e^-|z|)`. `p + t - 2 p t` is `1 - p_t` for binary t
 *   (MONAI uses `sigmoid(-z (2t - 1))`, equal for binary targets).
 *   softmax (`useSoftmax`): `l = -a_c w_c t (1 - p)^gamma log p` with `log p` from `logSoftmax`.
 * The map averages the kept channels: `L_i = sum_{c in K_n} l_ic / |K_n|` with `K_n` the included
 * (background unless excluded) and annotated channels of image n. So `reduction: 'mean'` (mean over valid
 * pixels of the map) equals MONAI's mean over all `N*C*H*W` elements, and MONAI's test values carry over;
 * `'sum'` sums the map (MONAI's 'sum' instead sums spatial means over N and C).
 *
 * Invariances: `gamma = 0`, `alpha = null`: sigmoid mode is the binary cross-entropy averaged over
 * channels; softmax mode is the categorical cross-entropy divided by `|K_n|`.
 *
 * Differences from MONAI (see `includeBackground` and `reduction` in {@link FocalOptions}): the softmax
 * without background, and `'sum'`. In softmax mode only positive targets add loss, so `annotated` only changes `|K_n|`: for
 * softmax partial labels use `marginal-crossentropy`.
 *
 * Shapes: `[N, H, W, C]` or `[N, P, C]` in; the map `[N, H, W]` / `[N, P]`.
 *
 * @example
 * ```ts
 * // y = [0, 1], p = [0.2, 0.8], gamma 2, sigmoid: both channels give 0.2^2 * -log 0.8
 * focal(tf.tensor3d([[[0, 1]]]), tf.tensor3d([[[0.2, 0.8]]])).dataSync()[0]; // 0.0089257
 * ```
 */
export const focalSpec: LossSpec<FocalOptions> = {
  name: 'focal',
  summary: 'focal loss, sigmoid per channel or softmax, MONAI-compatible; optional per-image class masks',
  paper:
    'Lin et al., Focal loss for dense object detection, ICCV 2017; Zhu et al., AnatomyNet, Medical Physics ' +
    '2018 (as in MONAI FocalLoss)',
  defaults: {
    ...COMMON_DEFAULTS,
    mode: null,
    gamma: 2,
    alpha: null,
    classWeights: null,
    includeBackground: true,
    useSoftmax: false,
    annotated: null,
  },
  takesAnnotated: true,
  takesIgnoreMask: true,
  minClasses: 1,
  check(options, classes) {
    const where = 'focal';
    checkReduction(where, options.reduction);
    checkEpsilon(where, options.epsilon);
    checkNumber(where, 'gamma', options.gamma, 0, 100);
    if (options.alpha !== null) {
      if (typeof options.alpha !== 'number') fail(where, `option 'alpha' must be null or a number in [0, 1]`);
      checkNumber(where, 'alpha', options.alpha, 0, 1);
    }
    checkClassWeights(where, options.classWeights, classes);
    checkAnnotatedForm(where, options.annotated, true);
    if (options.mode !== null && !MODES.includes(options.mode)) resolveMode(where, options.mode, 2);
    const mode =
      classes === undefined ? (options.mode ?? 'multiclass') : resolveMode(where, options.mode, classes);
    if (options.useSoftmax && mode !== 'multiclass') {
      const why = classes === 1 ? 'yPred has 1 channel' : `the mode is '${mode}'`;
      fail(where, `option 'useSoftmax' is true but ${why}; a softmax needs multiclass outputs`);
    }
    if (classes === 1 && !options.includeBackground) {
      fail(where, `option 'includeBackground' is false but yPred has 1 channel; nothing would be left`);
    }
  },
};

/** The mode of checked focal options on `c` channels. */
export function focalMode(options: FocalOptions, c: number): Mode {
  return resolveMode('focal', options.mode, c);
}
