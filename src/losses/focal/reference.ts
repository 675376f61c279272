import { zeros, type NdArray } from '../../core/ndarray.js';
import { fail } from '../../core/errors.js';
import { reduceReference } from '../../core/reduction.js';
import { checkNumber, resolveOptions, type PairLayout } from '../../core/validate.js';
import { annotatedReference } from '../shared/annotated.js';
import { prepareReference } from '../shared/prepare.js';
import { checkClassWeights } from '../crossentropy/class-weights.js';
import { focalSpec, type FocalOptions } from './spec.js';

/** Checks the focal-specific options (gamma, alpha, class weights, booleans). */
export function checkFocalOptions(where: string, opts: FocalOptions, c: number): void {
  checkNumber(where, 'gamma', opts.gamma, 0, 100);
  if (opts.alpha !== null) {
    if (typeof opts.alpha !== 'number') fail(where, `option 'alpha' must be null or a number in [0, 1]`);
    checkNumber(where, 'alpha', opts.alpha, 0, 1);
  }
  checkClassWeights(where, opts.classWeights, c);
}

/**
 * The kept-channel mask `K[n, c]` (1 = channel c of image n enters the loss): background unless
 * `includeBackground` is false, foreground where annotated (all of it when `annotated` is null).
 */
export function keptChannelsReference(
  where: string,
  opts: FocalOptions,
  yTrue: NdArray,
  layout: PairLayout,
): Float32Array {
  const { n, c } = layout;
  const kept =
    opts.annotated === null
      ? new Float32Array(n * c).fill(1)
      : annotatedReference(where, opts.annotated, yTrue, layout);
  for (let img = 0; img < n; img++) kept[img * c] = opts.includeBackground ? 1 : 0;
  return kept;
}

/**
 * Focal loss over typed arrays: the readable definition and the oracle of {@link focal}. See
 * {@link focalSpec} for the formula; per pixel the kept channels' losses are averaged.
 *
 * @example
 * ```ts
 * focalReference(ndarray([0, 1], [1, 1, 2]), ndarray([0.2, 0.8], [1, 1, 2])).data[0]; // 0.0089257
 * ```
 * @see Lin et al., ICCV 2017; MONAI `monai/losses/focal_loss.py`.
 */
export function focalReference(yTrue: NdArray, yPred: NdArray, options?: Partial<FocalOptions>): NdArray {
  const where = focalSpec.name;
  const opts = resolveOptions(where, options, focalSpec.defaults);
  const { layout, valid } = prepareReference(where, yTrue, yPred, opts);
  checkFocalOptions(where, opts, layout.c);
  const kept = keptChannelsReference(where, opts, yTrue, layout);
  const { n, p, c } = layout;
  const { gamma, alpha, epsilon: eps } = opts;
  const map = zeros(layout.mapShape);
  const logP = new Float64Array(c);
  for (let img = 0; img < n; img++) {
    let count = 0;
    for (let k = 0; k < c; k++) count += kept[img * c + k];
    for (let i = 0; i < p; i++) {
      const base = (img * p + i) * c;
      if (opts.useSoftmax) {
        // log p: stable log-softmax of logits, or the log of clipped probabilities.
        let m = -Infinity;
        let s = 0;
        if (opts.fromLogits) {
          for (let k = 0; k < c; k++) m = Math.max(m, yPred.data[base + k]);
          for (let k = 0; k < c; k++) s += Math.exp(yPred.data[base + k] - m);
        }
        for (let k = 0; k < c; k++) {
          const v = yPred.data[base + k];
          logP[k] = opts.fromLogits ? v - m - Math.log(s) : Math.log(Math.min(Math.max(v, eps), 1 - eps));
        }
      }
      let total = 0;
      for (let k = 0; k < c; k++) {
        if (kept[img * c + k] === 0) continue;
        const t = yTrue.data[base + k];
        const v = yPred.data[base + k];
        let l: number;
        let a = 1;
        if (opts.useSoftmax) {
          l = -t * Math.pow(1 - Math.exp(logP[k]), gamma) * logP[k];
          if (alpha !== null) a = k === 0 ? 1 - alpha : alpha;
        } else {
          let prob: number;
          let bce: number;
          if (opts.fromLogits) {
            prob = 1 / (1 + Math.exp(-v));
            bce = Math.max(v, 0) - v * t + Math.log1p(Math.exp(-Math.abs(v)));
          } else {
            prob = Math.min(Math.max(v, eps), 1 - eps);
            bce = -(t * Math.log(prob) + (1 - t) * Math.log(1 - prob));
          }
          l = Math.pow(prob + t - 2 * prob * t, gamma) * bce;
          if (alpha !== null) a = t * alpha + (1 - t) * (1 - alpha);
        }
        const w = opts.classWeights === null ? 1 : opts.classWeights[k];
        total += a * w * l * kept[img * c + k];
      }
      map.data[img * p + i] = count > 0 ? total / count : 0;
    }
  }
  if (valid !== undefined) for (let i = 0; i < valid.length; i++) map.data[i] *= valid[i];
  return reduceReference(where, map, opts.reduction, valid);
}
