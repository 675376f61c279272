import { COMMON_DEFAULTS, type CommonLossOptions } from '../shared/options.js';

/**
 * Options of {@link crossEntropy}: the common ones ({@link CommonLossOptions}).
 */
export type CrossEntropyOptions = CommonLossOptions;

/**
 * Categorical cross-entropy, per pixel, channels last.
 *
 * Formula (probabilities): `L_i = -sum_c y_ic * log(clip(p_ic, eps, 1 - eps))`.
 * Formula (logits z): `L_i = -sum_c y_ic * (z_ic - logsumexp_k z_ik)`.
 * `reduction: 'mean'` averages over every (valid) pixel of every image.
 *
 * Shapes: `yTrue`, `yPred` `[N, H, W, C]` or `[N, P, C]`; the map (`reduction: 'none'`) is `[N, H, W]` /
 * `[N, P]`.
 */
export const crossEntropySpec = {
  name: 'crossentropy',
  summary: 'categorical cross-entropy per pixel: -sum_c y_c log p_c',
  paper: 'standard; e.g. Goodfellow, Bengio & Courville, Deep Learning (2016), sec. 6.2.2.2',
  defaults: { ...COMMON_DEFAULTS } as CrossEntropyOptions,
} as const;
