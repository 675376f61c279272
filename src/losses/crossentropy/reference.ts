import { zeros, type NdArray } from '../../core/ndarray.js';
import { reduceReference } from '../../core/reduction.js';
import { resolveOptions, type PairLayout } from '../../core/validate.js';
import { prepareReference } from '../shared/prepare.js';
import { checkClassWeights, checkLabelSmoothing, weightedTargetsReference } from './class-weights.js';
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
  const where = crossEntropySpec.name;
  const opts = resolveOptions(where, options, crossEntropySpec.defaults);
  const { layout, valid } = prepareReference(where, yTrue, yPred, opts);
  checkClassWeights(where, opts.classWeights, layout.c);
  checkLabelSmoothing(where, opts.labelSmoothing);
  const { targets, denom } = weightedTargetsReference(
    yTrue.data,
    layout.c,
    opts.classWeights,
    opts.labelSmoothing,
  );
  const map = zeros(layout.mapShape);
  map.data.set(crossEntropyMapReference(targets, yPred.data, layout, opts.fromLogits, opts.epsilon));
  if (valid !== undefined) for (let i = 0; i < valid.length; i++) map.data[i] *= valid[i];
  if (denom !== undefined && valid !== undefined) for (let i = 0; i < valid.length; i++) denom[i] *= valid[i];
  return reduceReference(where, map, opts.reduction, denom ?? valid);
}
