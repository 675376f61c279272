import type { Reduction } from '../../core/reduction.js';
import type { ArrayInput } from '../../core/tensor-input.js';

/**
 * Options every loss shares, with the same names and meanings across the library.
 *
 * - `fromLogits`: `yPred` holds unnormalised scores; the loss applies a stable log-softmax itself.
 * - `reduction`: `'none'` returns the per-pixel map (`[N, H, W]` or `[N, P]`), `'mean'` its mean over
 *   the valid pixels, `'sum'` its sum.
 * - `epsilon`: probabilities are clipped to `[epsilon, 1 - epsilon]` before the log (not used from logits).
 * - `ignoreMask`: optional per-pixel mask, 1 = ignore (nnU-Net's "ignore label"), shape of the loss map;
 *   ignored pixels contribute nothing, get zero gradient, and the mean divides by the valid pixels only.
 */
export interface CommonLossOptions {
  fromLogits: boolean;
  reduction: Reduction;
  epsilon: number;
  ignoreMask: ArrayInput | null;
}

/**
 * Which classes an image annotates: `'infer'` (the post's rule: a class counts as annotated in image n
 * when at least one pixel of n has it), or an explicit `[N, C]` mask (1 = image n's labels cover class c;
 * background, class 0, always counts as annotated).
 *
 * Inferring treats an object that is truly absent like one whose label was missed: a partial-label loss
 * then lets the model predict an absent class at no cost. Pass explicit metadata when you have it.
 */
export type AnnotatedInput = 'infer' | ArrayInput;

/** Defaults of {@link CommonLossOptions}. */
export const COMMON_DEFAULTS: CommonLossOptions = {
  fromLogits: false,
  reduction: 'mean',
  epsilon: 1e-7,
  ignoreMask: null,
};
