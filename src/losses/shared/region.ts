import * as tf from '@tensorflow/tfjs';
import type { NdArray } from '../../core/ndarray.js';
import { resolveOptions, type PairLayout } from '../../core/validate.js';
import { annotatedReference, annotatedTensor } from './annotated.js';
import { prepareReference, prepareTensor } from './prepare.js';
import {
  reduceRegionReference,
  reduceRegionTensor,
  regionStatsReference,
  regionStatsTensor,
  tverskyIndexReference,
  tverskyIndexTensor,
  type TverskyParams,
} from './region-stats.js';
import { regionActivation, type RegionLossOptions } from './region-options.js';
import type { LossSpec } from './spec.js';

/** The options the region plumbing reads (every region loss has at least these). */
export type RegionCoreOptions = Pick<
  RegionLossOptions,
  'reduction' | 'includeBackground' | 'squaredPred' | 'smoothNr' | 'smoothDr' | 'batch' | 'classWeights'
>;

/**
 * The Tversky parameters of Dice: `(2 I + s_nr) / (G + P + s_dr) = (tp + s_nr/2) / (tp + fp/2 + fn/2 + s_dr/2)`;
 * with `jaccard`, `(2 I + s_nr) / (2 (G + P - I) + s_dr) = (tp + s_nr/2) / (tp + fp + fn + s_dr/2)`.
 */
export function diceParams(opts: { jaccard: boolean; smoothNr: number; smoothDr: number }): TverskyParams {
  const w = opts.jaccard ? 1 : 0.5;
  return { alpha: w, beta: w, smoothNr: opts.smoothNr / 2, smoothDr: opts.smoothDr / 2 };
}

/**
 * Probabilities from `yPred` `[N * P * C]`: unchanged for `'none'`; softmax over classes,
 * `p_c = exp(z_c - m) / sum_k exp(z_k - m)` with `m = max_k z_k`, or sigmoid per class `1 / (1 + e^-z)`.
 */
export function probabilitiesReference(
  pred: Float32Array,
  layout: PairLayout,
  activation: 'softmax' | 'sigmoid' | 'none',
): Float32Array {
  if (activation === 'none') return pred;
  const out = new Float32Array(pred.length);
  const { c } = layout;
  if (activation === 'sigmoid') {
    for (let i = 0; i < pred.length; i++) out[i] = 1 / (1 + Math.exp(-pred[i]));
    return out;
  }
  for (let base = 0; base < pred.length; base += c) {
    let m = -Infinity;
    for (let k = 0; k < c; k++) m = Math.max(m, pred[base + k]);
    let s = 0;
    for (let k = 0; k < c; k++) s += Math.exp(pred[base + k] - m);
    for (let k = 0; k < c; k++) out[base + k] = Math.exp(pred[base + k] - m) / s;
  }
  return out;
}

/** The twin of {@link probabilitiesReference}: `tf.softmax` (stable) or `tf.sigmoid` over `[N, P, C]`. */
export function probabilitiesTensor(
  p3: tf.Tensor3D,
  activation: 'softmax' | 'sigmoid' | 'none',
): tf.Tensor3D {
  if (activation === 'none') return p3;
  return (activation === 'sigmoid' ? tf.sigmoid(p3) : tf.softmax(p3)) as tf.Tensor3D;
}

function classBase(opts: RegionCoreOptions, c: number): Float32Array {
  const base = new Float32Array(c);
  for (let k = 0; k < c; k++) base[k] = opts.classWeights === null ? 1 : opts.classWeights[k];
  if (!opts.includeBackground) base[0] = 0;
  return base;
}

/**
 * The region-loss core over typed arrays: statistics, Tversky index, `L = 1 - TI`, weighted reduction.
 * `y`, `p` are `[N * P * C]` (targets, probabilities), `valid` `[N * P]`, `annotated` `[N * C]`.
 * Entry weights: `w[n, c] = classWeights_c * [c > 0 or includeBackground] * annotated[n, c]`
 * (with `batch`, `annotated` is pooled as `max_n annotated[n, c]`).
 */
export function regionCoreReference(
  where: string,
  y: Float32Array,
  p: Float32Array,
  layout: PairLayout,
  parts: { valid?: Float32Array; annotated?: Float32Array },
  opts: RegionCoreOptions,
  params: TverskyParams,
): NdArray {
  const { n, c } = layout;
  const stats = regionStatsReference(y, p, layout, {
    squaredPred: opts.squaredPred,
    batch: opts.batch,
    valid: parts.valid,
    mask: parts.annotated,
  });
  const ti = tverskyIndexReference(stats, params);
  const losses = ti.map((v) => 1 - v);
  const base = classBase(opts, c);
  const weights = new Float32Array(stats.rows * c);
  for (let r = 0; r < stats.rows; r++) {
    for (let k = 0; k < c; k++) {
      let a = 1;
      if (parts.annotated !== undefined) {
        if (opts.batch) {
          a = 0;
          for (let img = 0; img < n; img++) a = Math.max(a, parts.annotated[img * c + k]);
        } else a = parts.annotated[r * c + k];
      }
      weights[r * c + k] = base[k] * a;
    }
  }
  return reduceRegionReference(where, losses, weights, stats.rows, opts.reduction);
}

/** The twin of {@link regionCoreReference}: `y3`, `p3` `[N, P, C]`, `valid` `[N, P]`, `annotated` `[N, C]`. */
export function regionCoreTensor(
  where: string,
  y3: tf.Tensor3D,
  p3: tf.Tensor3D,
  parts: { valid?: tf.Tensor2D; annotated?: tf.Tensor2D },
  opts: RegionCoreOptions,
  params: TverskyParams,
): tf.Tensor {
  const c = y3.shape[2];
  const stats = regionStatsTensor(y3, p3, {
    squaredPred: opts.squaredPred,
    batch: opts.batch,
    valid: parts.valid,
    mask: parts.annotated,
  });
  const losses = tf.sub(1, tverskyIndexTensor(stats, params)) as tf.Tensor2D;
  let weights: tf.Tensor = tf.tensor2d(classBase(opts, c), [1, c]);
  if (parts.annotated !== undefined) {
    weights = tf.mul(weights, opts.batch ? tf.max(parts.annotated, 0, true) : parts.annotated);
  }
  weights = tf.broadcastTo(weights, losses.shape);
  return reduceRegionTensor(where, losses, weights as tf.Tensor2D, opts.reduction);
}

/**
 * Resolves, validates and runs a Dice-family loss over typed arrays (reference of dice, jaccard,
 * tversky): `params` turns the resolved options into the Tversky parameters.
 */
export function regionLossReference<O extends RegionLossOptions>(
  spec: LossSpec<O>,
  yTrue: NdArray,
  yPred: NdArray,
  options: Partial<O> | undefined,
  params: (opts: O) => TverskyParams,
): NdArray {
  const where = spec.name;
  const opts = resolveOptions(where, options, spec.defaults);
  const { layout, valid } = prepareReference(where, yTrue, yPred, opts, spec.minClasses);
  spec.check(opts, layout.c);
  const { mode, activation } = regionActivation(where, opts, layout.c);
  const annotated =
    opts.annotated === null
      ? undefined
      : annotatedReference(where, opts.annotated, yTrue, layout, mode === 'multiclass');
  const p = probabilitiesReference(yPred.data, layout, activation);
  return regionCoreReference(where, yTrue.data, p, layout, { valid, annotated }, opts, params(opts));
}

/** The tensor twin of {@link regionLossReference}. */
export function regionLossTensor<O extends RegionLossOptions>(
  spec: LossSpec<O>,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options: Partial<O> | undefined,
  params: (opts: O) => TverskyParams,
): tf.Tensor {
  const where = spec.name;
  const opts = resolveOptions(where, options, spec.defaults);
  return tf.tidy(() => {
    const { layout, y3, p3, valid } = prepareTensor(where, yTrue, yPred, opts, spec.minClasses);
    spec.check(opts, layout.c);
    const { mode, activation } = regionActivation(where, opts, layout.c);
    const annotated =
      opts.annotated === null
        ? undefined
        : annotatedTensor(where, opts.annotated, y3, layout, mode === 'multiclass');
    const probs = probabilitiesTensor(p3, activation);
    return regionCoreTensor(where, y3, probs, { valid, annotated }, opts, params(opts));
  });
}
