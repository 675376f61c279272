import * as tf from '@tensorflow/tfjs';
import { fail } from '../../core/errors.js';
import { scalar, type NdArray } from '../../core/ndarray.js';
import type { Reduction } from '../../core/reduction.js';
import type { PairLayout } from '../../core/validate.js';

/**
 * Soft region statistics per image (or per batch) and class: the one core of every region loss
 * (Dice, Jaccard, Tversky, marginal Dice, exclusion), as smp's losses and `metrics/functional.py` start
 * every score from tp/fp/fn. Each array is `[rows * C]`, row-major, `rows = N` (or 1 with `batch`).
 *
 * With `v_i` the valid-pixel weight (`1 - ignoreMask`) and `k = 2` when `squaredPred` (else 1):
 *   `tp = sum_i v_i y_i p_i`,  `fp = sum_i v_i p_i^k - tp`,  `fn = sum_i v_i y_i^k - tp`.
 * For `k = 1` these are the usual `fp = sum_i v (1 - y) p`, `fn = sum_i v y (1 - p)`; for `k = 2` they
 * make `tp + fp/2 + fn/2 = (sum p^2 + sum y^2) / 2`, MONAI's `squared_pred` denominator.
 * (With `k = 2`, `fp` can be negative: it is a bookkeeping term, not a count.)
 */
export interface RegionStats {
  readonly rows: number;
  readonly c: number;
  readonly tp: Float64Array;
  readonly fp: Float64Array;
  readonly fn: Float64Array;
}

/** Options of the statistics: squared sums, batch pooling, valid pixels `[N*P]`, entry mask `[N*C]`. */
export interface RegionStatsOptions {
  readonly squaredPred: boolean;
  readonly batch: boolean;
  /** `1 - ignoreMask`, `[N * P]`; ignored pixels add nothing to any statistic. */
  readonly valid?: Float32Array;
  /** With `batch`, image n contributes to class c's pooled statistics only where `mask[n, c] = 1`. */
  readonly mask?: Float32Array;
}

/**
 * Computes {@link RegionStats} from flat `[N * P * C]` targets and probabilities (plain loops, float64
 * sums).
 *
 * @example
 * ```ts
 * // one image, two pixels, two classes; y = one-hot [bg, fg], p = [[0.8, 0.2], [0.4, 0.6]]
 * regionStatsReference(Float32Array.of(1, 0, 0, 1), Float32Array.of(0.8, 0.2, 0.4, 0.6),
 *   { n: 1, p: 2, c: 2, mapShape: [1, 2] }, { squaredPred: false, batch: false });
 * // tp = [0.8, 0.6], fp = [0.4, 0.2], fn = [0.2, 0.4]
 * ```
 */
export function regionStatsReference(
  y: Float32Array,
  p: Float32Array,
  layout: PairLayout,
  options: RegionStatsOptions,
): RegionStats {
  const { n, c } = layout;
  const pix = layout.p;
  const tp = new Float64Array(n * c);
  const predSum = new Float64Array(n * c);
  const trueSum = new Float64Array(n * c);
  for (let img = 0; img < n; img++) {
    for (let i = 0; i < pix; i++) {
      const v = options.valid === undefined ? 1 : options.valid[img * pix + i];
      if (v === 0) continue;
      const base = (img * pix + i) * c;
      for (let k = 0; k < c; k++) {
        const yk = y[base + k];
        const pk = p[base + k];
        tp[img * c + k] += v * yk * pk;
        predSum[img * c + k] += v * (options.squaredPred ? pk * pk : pk);
        trueSum[img * c + k] += v * (options.squaredPred ? yk * yk : yk);
      }
    }
  }
  const rows = options.batch ? 1 : n;
  const out = { rows, c, tp: new Float64Array(rows * c), fp: new Float64Array(rows * c) };
  const fn = new Float64Array(rows * c);
  for (let img = 0; img < n; img++) {
    for (let k = 0; k < c; k++) {
      const src = img * c + k;
      const dst = options.batch ? k : src;
      const m = options.batch && options.mask !== undefined ? options.mask[src] : 1;
      out.tp[dst] += m * tp[src];
      out.fp[dst] += m * (predSum[src] - tp[src]);
      fn[dst] += m * (trueSum[src] - tp[src]);
    }
  }
  return { ...out, fn };
}

/** Tensor statistics `[rows, C]` each: the twin of {@link RegionStats}. */
export interface RegionStatsTensor {
  readonly tp: tf.Tensor2D;
  readonly fp: tf.Tensor2D;
  readonly fn: tf.Tensor2D;
}

/**
 * The differentiable twin of {@link regionStatsReference}. `y3`, `p3` are `[N, P, C]`, `valid` `[N, P]`,
 * `mask` `[N, C]`. Call inside `tf.tidy`.
 */
export function regionStatsTensor(
  y3: tf.Tensor3D,
  p3: tf.Tensor3D,
  options: { squaredPred: boolean; batch: boolean; valid?: tf.Tensor2D; mask?: tf.Tensor2D },
): RegionStatsTensor {
  const v = options.valid === undefined ? undefined : tf.expandDims(options.valid, -1);
  const weigh = (x: tf.Tensor): tf.Tensor => (v === undefined ? x : tf.mul(x, v));
  let tp = tf.sum(weigh(tf.mul(y3, p3)), 1);
  let predSum = tf.sum(weigh(options.squaredPred ? tf.square(p3) : p3), 1);
  let trueSum = tf.sum(weigh(options.squaredPred ? tf.square(y3) : y3), 1);
  if (options.batch) {
    const pool = (x: tf.Tensor): tf.Tensor =>
      tf.sum(options.mask === undefined ? x : tf.mul(x, options.mask), 0, true);
    [tp, predSum, trueSum] = [pool(tp), pool(predSum), pool(trueSum)];
  }
  return {
    tp: tp as tf.Tensor2D,
    fp: tf.sub(predSum, tp) as tf.Tensor2D,
    fn: tf.sub(trueSum, tp) as tf.Tensor2D,
  };
}

/** The Tversky parameters: false-positive weight `alpha`, false-negative weight `beta`, smoothing terms. */
export interface TverskyParams {
  readonly alpha: number;
  readonly beta: number;
  readonly smoothNr: number;
  readonly smoothDr: number;
}

/**
 * The Tversky index of each entry, the one score behind Dice, Jaccard and Tversky:
 *   `TI = (tp + smoothNr) / (tp + alpha fp + beta fn + smoothDr)`,
 * defined as 1 when the denominator is 0 (an empty class predicted empty with no smoothing).
 * Dice = TI(1/2, 1/2) with halved smoothing (`(2 tp + s) / (2 tp + fp + fn + s)`); Jaccard = TI(1, 1).
 *
 * @example
 * ```ts
 * tverskyIndexReference({ rows: 1, c: 1, tp: Float64Array.of(2), fp: Float64Array.of(1), fn: Float64Array.of(1) },
 *   { alpha: 0.5, beta: 0.5, smoothNr: 0, smoothDr: 0 }); // [2 / 3]
 * ```
 */
export function tverskyIndexReference(stats: RegionStats, params: TverskyParams): Float64Array {
  const out = new Float64Array(stats.tp.length);
  for (let i = 0; i < out.length; i++) {
    const den = stats.tp[i] + params.alpha * stats.fp[i] + params.beta * stats.fn[i] + params.smoothDr;
    out[i] = den <= 0 ? 1 : (stats.tp[i] + params.smoothNr) / den;
  }
  return out;
}

/**
 * The twin of {@link tverskyIndexReference}. A zero denominator is replaced by 1 before dividing, so
 * neither the value nor the gradient becomes NaN there.
 */
export function tverskyIndexTensor(stats: RegionStatsTensor, params: TverskyParams): tf.Tensor2D {
  const den = tf.addN([
    stats.tp,
    tf.mul(stats.fp, params.alpha),
    tf.mul(stats.fn, params.beta),
    tf.fill(stats.tp.shape, params.smoothDr),
  ]);
  // den >= 0 always; `0 >= den` (GreaterEqual has a zero gradient in tfjs, Equal has none) marks den = 0.
  const empty = tf.greaterEqual(0, den);
  const safe = tf.where(empty, tf.onesLike(den), den);
  const ti = tf.div(tf.add(stats.tp, params.smoothNr), safe);
  return tf.where(empty, tf.onesLike(ti), ti) as tf.Tensor2D;
}

/**
 * Reduces per-entry losses `L[rows, C]` with entry weights `w[rows, C]` (class weights x included
 * classes x annotated classes): `none` gives the map `w * L` (shape `[rows, C]`), `sum` gives
 * `sum w L`, `mean` gives `sum w L / sum w` (0 when every weight is 0). Entries of weight 0 are never
 * read, so a NaN there cannot leak.
 */
export function reduceRegionReference(
  where: string,
  losses: Float64Array,
  weights: Float32Array,
  rows: number,
  reduction: Reduction,
): NdArray {
  const c = losses.length / rows;
  const map = new Float32Array(losses.length);
  let total = 0;
  let denom = 0;
  for (let i = 0; i < map.length; i++) {
    if (weights[i] === 0) continue;
    map[i] = weights[i] * losses[i];
    total += weights[i] * losses[i];
    denom += weights[i];
  }
  if (reduction === 'none') return { data: map, shape: [rows, c] };
  if (reduction === 'sum') return scalar(total);
  if (reduction === 'mean') return scalar(denom > 0 ? total / denom : 0);
  return fail(where, `option 'reduction' is ${JSON.stringify(reduction)}; expected none, mean, sum`);
}

/** The twin of {@link reduceRegionReference}; `weights` is a constant. */
export function reduceRegionTensor(
  where: string,
  losses: tf.Tensor2D,
  weights: tf.Tensor2D,
  reduction: Reduction,
): tf.Tensor {
  const map = tf.where(tf.greater(weights, 0), tf.mul(losses, weights), tf.zerosLike(losses));
  if (reduction === 'none') return map;
  if (reduction === 'sum') return tf.sum(map);
  if (reduction === 'mean') return tf.div(tf.sum(map), tf.maximum(tf.sum(weights), 1e-30));
  return fail(where, `option 'reduction' is ${JSON.stringify(reduction)}; expected none, mean, sum`);
}
