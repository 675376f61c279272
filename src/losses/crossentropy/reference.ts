import type { NdArray } from '../../core/ndarray.js';
import { pixelLossReference } from '../shared/pixel-loss.js';
import { crossEntropyMapReference } from '../shared/crossentropy-map.js';
import { crossEntropySpec, type CrossEntropyOptions } from './spec.js';

/**
 * The effective cross-entropy targets and the per-pixel mean weights (typed arrays), with `C` classes:
 *
 *   `y'_ic = w_c * (y_ic (1 - ls) + ls / C)`  (the targets the loss multiplies `-log p` by),
 *   `d_i = sum_c w_c y_ic`                     (PyTorch's weighted-mean denominator, unsmoothed targets).
 *
 * `w_c = 1` without class weights. Returns `denom` only when class weights are given (otherwise the
 * mean divides by the pixel count).
 */
export function weightedTargetsReference(
  y: Float32Array,
  c: number,
  classWeights: readonly number[] | null,
  labelSmoothing: number,
): { targets: Float32Array; denom: Float32Array | undefined } {
  const pixels = y.length / c;
  const targets = new Float32Array(y.length);
  const denom = classWeights === null ? undefined : new Float32Array(pixels);
  for (let i = 0; i < pixels; i++) {
    let d = 0;
    for (let k = 0; k < c; k++) {
      const w = classWeights === null ? 1 : classWeights[k];
      const yk = y[i * c + k];
      targets[i * c + k] = w * (yk * (1 - labelSmoothing) + labelSmoothing / c);
      d += w * yk;
    }
    if (denom !== undefined) denom[i] = d;
  }
  return { targets, denom };
}

/**
 * Categorical cross-entropy over typed arrays: the readable definition and the oracle of
 * {@link crossEntropy}. Same options, same result.
 *
 * Formula: `L_i = -sum_c w_c y'_ic log(clip(p_ic, eps, 1 - eps))` with `y' = y (1 - ls) + ls / C`; the
 * mean divides by the valid pixels, or by `sum_i sum_c w_c y_ic` with class weights (see
 * {@link crossEntropySpec}).
 *
 * @example
 * ```ts
 * // one pixel, y = [0, 1], p = [0.2, 0.8]: -log 0.8
 * crossEntropyReference(ndarray([0, 1], [1, 1, 2]), ndarray([0.2, 0.8], [1, 1, 2])).data[0]; // 0.22314355
 * ```
 * @see Goodfellow, Bengio & Courville, Deep Learning (2016), sec. 6.2.2.2.
 */
export function crossEntropyReference(
  yTrue: NdArray,
  yPred: NdArray,
  options?: Partial<CrossEntropyOptions>,
): NdArray {
  return pixelLossReference(crossEntropySpec, yTrue, yPred, options, ({ opts, layout }) => {
    const { targets, denom } = weightedTargetsReference(
      yTrue.data,
      layout.c,
      opts.classWeights,
      opts.labelSmoothing,
    );
    const map = crossEntropyMapReference(targets, yPred.data, layout, opts.fromLogits, opts.epsilon);
    return { map, denom };
  });
}
