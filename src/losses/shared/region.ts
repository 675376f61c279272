import * as tf from '@tensorflow/tfjs';
import { fail } from '../../core/errors.js';
import type { NdArray } from '../../core/ndarray.js';
import { checkChoice, checkNumber, type PairLayout } from '../../core/validate.js';
import { COMMON_DEFAULTS, type CommonLossOptions } from '../shared/options.js';
import { annotatedReference, annotatedTensor } from '../shared/annotated.js';
import { prepareReference, prepareTensor } from '../shared/prepare.js';
import {
  reduceRegionReference,
  reduceRegionTensor,
  regionStatsReference,
  regionStatsTensor,
  tverskyIndexReference,
  tverskyIndexTensor,
  type TverskyParams,
} from '../shared/region-stats.js';
import type { RegionLossOptions } from './spec.js';

/** The options the region plumbing reads (every region loss has at least these). */
export type RegionCoreOptions = Pick<
  RegionLossOptions,
  'reduction' | 'includeBackground' | 'squaredPred' | 'smoothNr' | 'smoothDr' | 'batch' | 'classWeights'
>;

/** The common options in the shape `prepareReference`/`prepareTensor` expect (region losses have no epsilon). */
export function asCommon(
  opts: Pick<RegionLossOptions, 'fromLogits' | 'reduction' | 'ignoreMask'>,
): CommonLossOptions {
  return {
    fromLogits: opts.fromLogits,
    reduction: opts.reduction,
    epsilon: COMMON_DEFAULTS.epsilon,
    ignoreMask: opts.ignoreMask,
  };
}

/**
 * Checks the region options against the layout: `activation` (sigmoid only with `fromLogits`), the
 * smoothing terms (finite, >= 0), and `classWeights` (`C` finite non-negative numbers).
 */
export function checkRegionOptions(
  where: string,
  opts: RegionCoreOptions & Partial<Pick<RegionLossOptions, 'activation' | 'fromLogits'>>,
  c: number,
): void {
  if (opts.activation !== undefined) {
    checkChoice(where, 'activation', opts.activation, ['softmax', 'sigmoid']);
    if (opts.activation === 'sigmoid' && opts.fromLogits !== true) {
      fail(where, `option 'activation' is 'sigmoid' but fromLogits is false; expected fromLogits: true`);
    }
  }
  checkNumber(where, 'smoothNr', opts.smoothNr, 0, Number.MAX_VALUE);
  checkNumber(where, 'smoothDr', opts.smoothDr, 0, Number.MAX_VALUE);
  const w = opts.classWeights;
  if (w !== null) {
    if (!Array.isArray(w) || w.length !== c) {
      fail(
        where,
        `option 'classWeights' has ${Array.isArray(w) ? w.length : typeof w} entries; expected ${c}`,
      );
    }
    w.forEach((v, k) => {
      if (!(Number.isFinite(v) && v >= 0))
        fail(where, `option 'classWeights' has ${v} at ${k}; expected finite numbers >= 0`);
    });
  }
}

/**
 * Probabilities from `yPred` `[N * P * C]`: unchanged without `fromLogits`; else softmax over classes,
 * `p_c = exp(z_c - m) / sum_k exp(z_k - m)` with `m = max_k z_k`, or sigmoid per class `1 / (1 + e^-z)`.
 */
export function probabilitiesReference(
  pred: Float32Array,
  layout: PairLayout,
  fromLogits: boolean,
  activation: 'softmax' | 'sigmoid',
): Float32Array {
  if (!fromLogits) return pred;
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
  fromLogits: boolean,
  activation: 'softmax' | 'sigmoid',
): tf.Tensor3D {
  if (!fromLogits) return p3;
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

/** Validates and runs a Dice-family loss over typed arrays (reference of dice, jaccard, tversky). */
export function regionLossReference(
  where: string,
  yTrue: NdArray,
  yPred: NdArray,
  opts: RegionLossOptions,
  params: TverskyParams,
): NdArray {
  const { layout, valid } = prepareReference(where, yTrue, yPred, asCommon(opts));
  checkRegionOptions(where, opts, layout.c);
  const annotated =
    opts.annotated === null ? undefined : annotatedReference(where, opts.annotated, yTrue, layout);
  const p = probabilitiesReference(yPred.data, layout, opts.fromLogits, opts.activation);
  return regionCoreReference(where, yTrue.data, p, layout, { valid, annotated }, opts, params);
}

/** Validates and runs a Dice-family loss on tensors (tensor twin of {@link regionLossReference}). */
export function regionLossTensor(
  where: string,
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  opts: RegionLossOptions,
  params: TverskyParams,
): tf.Tensor {
  return tf.tidy(() => {
    const { layout, y3, p3, valid } = prepareTensor(where, yTrue, yPred, asCommon(opts));
    checkRegionOptions(where, opts, layout.c);
    const annotated =
      opts.annotated === null ? undefined : annotatedTensor(where, opts.annotated, y3, layout);
    const probs = probabilitiesTensor(p3, opts.fromLogits, opts.activation);
    return regionCoreTensor(where, y3, probs, { valid, annotated }, opts, params);
  });
}
