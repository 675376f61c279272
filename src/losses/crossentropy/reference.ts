import type { NdArray } from '../../core/ndarray.js';
import type { PairLayout } from '../../core/validate.js';
import { pixelLossReference } from '../shared/pixel-loss.js';
import { crossEntropySpec, type CrossEntropyOptions } from './spec.js';

/**
 * Per-pixel cross-entropy over flat `[N * P * C]` arrays (the shared kernel of every cross-entropy-like
 * reference). Returns `[N * P]` float32 values.
 *
 * Probabilities: `L_i = -sum_c y_ic log(clip(p_ic, eps, 1 - eps))`.
 * Logits: `L_i = -sum_c y_ic (z_ic - m_i - log sum_k exp(z_ik - m_i))` with `m_i = max_k z_ik`.
 */
export function crossEntropyMapReference(
  y: Float32Array,
  pred: Float32Array,
  layout: PairLayout,
  fromLogits: boolean,
  epsilon: number,
): Float32Array {
  const { n, p, c } = layout;
  const out = new Float32Array(n * p);
  for (let i = 0; i < n * p; i++) {
    const base = i * c;
    let logNorm = 0;
    if (fromLogits) {
      let m = -Infinity;
      for (let k = 0; k < c; k++) m = Math.max(m, pred[base + k]);
      let s = 0;
      for (let k = 0; k < c; k++) s += Math.exp(pred[base + k] - m);
      logNorm = m + Math.log(s);
    }
    let loss = 0;
    for (let k = 0; k < c; k++) {
      const yk = y[base + k];
      if (yk === 0) continue;
      const logP = fromLogits
        ? pred[base + k] - logNorm
        : Math.log(Math.min(Math.max(pred[base + k], epsilon), 1 - epsilon));
      loss -= yk * logP;
    }
    out[i] = loss;
  }
  return out;
}

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
