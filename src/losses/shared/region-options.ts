import { fail } from '../../core/errors.js';
import type { Reduction } from '../../core/reduction.js';
import { checkChoice, checkNumber } from '../../core/validate.js';
import type { ArrayInput } from '../../core/tensor-input.js';
import type { AnnotatedInput } from './options.js';
import {
  checkAnnotatedForm,
  checkClassWeights,
  checkReduction,
  MODES,
  resolveMode,
  type Mode,
} from './spec.js';

/**
 * Options shared by the region losses (Dice, Jaccard, Tversky), covering MONAI's `DiceLoss`.
 *
 * - `fromLogits`: `yPred` holds logits; the loss turns them into probabilities with `activation`.
 *   Without `fromLogits`, `yPred` holds probabilities and no activation is applied.
 * - `mode` (null = infer): `'multiclass'`, `'multilabel'` or `'binary'` (smp's names, see {@link Mode}).
 *   Inferred: one channel is `'binary'`, more is `'multiclass'`; `'multilabel'` only when asked for.
 *   A mode that contradicts the channel count is refused.
 * - `activation` (null = from the mode): `'softmax'` (multiclass) or `'sigmoid'` (each channel alone, as
 *   MONAI's `sigmoid=True`; the default of multilabel and binary, and allowed on multiclass one-hot
 *   targets as MONAI allows it). `'softmax'` with one channel or in multilabel mode is refused (a softmax
 *   over one channel is 1 everywhere). `'sigmoid'` needs `fromLogits: true`.
 * - `reduction`: `'none'` returns the per-image, per-class map `[N, C]` (`[1, C]` with `batch`), each
 *   entry multiplied by its weight; `'mean'` = `sum w L / sum w`; `'sum'` = `sum w L`.
 * - `ignoreMask`: per-pixel, 1 = ignore; ignored pixels add nothing to any statistic (zero gradient).
 * - `includeBackground` (true): false gives channel 0 weight 0 (MONAI `include_background=False`; in
 *   multilabel mode channel 0 is an ordinary class and is dropped all the same). Refused with one channel
 *   (MONAI warns and ignores it there).
 * - `squaredPred` (false): denominators use `sum p^2 + sum y^2` (MONAI `squared_pred`).
 * - `smoothNr`, `smoothDr` (1e-5): smoothing of numerator and denominator (MONAI `smooth_nr`, `smooth_dr`).
 * - `batch` (false): sum the statistics over the images first, one score per class (MONAI `batch`).
 * - `classWeights` (null): `C` non-negative weights; the mean is weighted (`sum w L / sum w`), so uniform
 *   weights change nothing (MONAI instead multiplies and keeps the plain mean).
 * - `annotated` (null = every class counts): `'infer'` or an `[N, C]` mask; an unannotated class of an
 *   image gets weight 0, i.e. it is left out of the mean (with `batch`, image n enters class c's pooled
 *   statistics only if it annotates c). In multiclass mode background always counts as annotated; in
 *   multilabel and binary mode every channel, channel 0 too, follows the mask.
 *
 * Empty classes: with `smoothNr = smoothDr`, a class absent from the target and predicted empty scores
 * index 1, loss 0; absent but predicted scores about loss 1. With both smoothings 0 the index is defined
 * as 1 when its denominator is 0.
 */
export interface RegionLossOptions {
  fromLogits: boolean;
  mode: Mode | null;
  activation: 'softmax' | 'sigmoid' | null;
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
  mode: null,
  activation: null,
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

/** The resolved meaning of the channels: the mode and the activation applied to logits. */
export interface RegionActivation {
  readonly mode: Mode;
  /** `'none'` when `yPred` holds probabilities. */
  readonly activation: 'softmax' | 'sigmoid' | 'none';
}

/**
 * Resolves `mode` and `activation` against the channel count `c` and refuses contradictions (see
 * {@link RegionLossOptions}). Without `c` (options checked before any data is seen) it checks what it
 * can and reports the mode as given (`'multiclass'` for null).
 *
 * @example
 * ```ts
 * regionActivation('dice', { mode: null, activation: null, fromLogits: true }, 1);
 * // {mode: 'binary', activation: 'sigmoid'}
 * ```
 */
export function regionActivation(
  where: string,
  opts: Pick<RegionLossOptions, 'mode' | 'activation' | 'fromLogits'>,
  c?: number,
): RegionActivation {
  if (opts.activation !== null) checkChoice(where, 'activation', opts.activation, ['softmax', 'sigmoid']);
  if (opts.mode !== null) checkChoice(where, 'mode', opts.mode, MODES);
  const mode = c === undefined ? (opts.mode ?? 'multiclass') : resolveMode(where, opts.mode, c);
  if (opts.activation === 'softmax' && mode !== 'multiclass') {
    const why = c === 1 ? 'yPred has 1 channel (a softmax over it is 1 everywhere)' : `the mode is '${mode}'`;
    fail(where, `option 'activation' is 'softmax' but ${why}; expected 'sigmoid' or null`);
  }
  if (opts.activation === 'sigmoid' && !opts.fromLogits) {
    fail(where, `option 'activation' is 'sigmoid' but fromLogits is false; expected fromLogits: true`);
  }
  if (!opts.fromLogits) return { mode, activation: 'none' };
  return { mode, activation: opts.activation ?? (mode === 'multiclass' ? 'softmax' : 'sigmoid') };
}

/**
 * The option checks of every region loss (the body of their `spec.check`): reduction, mode and
 * activation, smoothing terms (finite, >= 0), `classWeights`, `annotated`, and
 * `includeBackground: false` with one channel. `c` is C when known.
 */
export function checkRegionOptions(
  where: string,
  opts: Pick<
    RegionLossOptions,
    'reduction' | 'smoothNr' | 'smoothDr' | 'classWeights' | 'includeBackground' | 'fromLogits'
  > &
    Partial<Pick<RegionLossOptions, 'mode' | 'activation' | 'annotated'>>,
  c: number | undefined,
): void {
  checkReduction(where, opts.reduction);
  checkNumber(where, 'smoothNr', opts.smoothNr, 0, Number.MAX_VALUE);
  checkNumber(where, 'smoothDr', opts.smoothDr, 0, Number.MAX_VALUE);
  checkClassWeights(where, opts.classWeights, c);
  if (opts.annotated !== undefined) checkAnnotatedForm(where, opts.annotated, true);
  const mode = opts.mode ?? null;
  const activation = opts.activation ?? null;
  regionActivation(where, { mode, activation, fromLogits: opts.fromLogits }, c);
  if (c === 1 && !opts.includeBackground) {
    fail(where, `option 'includeBackground' is false but yPred has 1 channel; nothing would be left`);
  }
}
