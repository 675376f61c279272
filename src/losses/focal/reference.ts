import type { NdArray } from '../../core/ndarray.js';
import type { PairLayout } from '../../core/validate.js';
import { annotatedReference } from '../shared/annotated.js';
import { pixelLossReference } from '../shared/pixel-loss.js';
import { focalMode, focalSpec, type FocalOptions } from './spec.js';

/**
 * The kept-channel mask `K[n, c]` (1 = channel c of image n enters the loss): channels where annotated
 * (all of them when `annotated` is null), channel 0 only with `includeBackground`; in multiclass mode
 * background always counts as annotated.
 */
export function keptChannelsReference(
  where: string,
  opts: FocalOptions,
  yTrue: NdArray,
  layout: PairLayout,
): Float32Array {
  const { n, c } = layout;
  const multiclass = focalMode(opts, c) === 'multiclass';
  const kept =
    opts.annotated === null
      ? new Float32Array(n * c).fill(1)
      : annotatedReference(where, opts.annotated, yTrue, layout, multiclass);
  // Channel 0: dropped without includeBackground; in multiclass mode background otherwise always counts
  // (also where 'infer' finds no background pixel).
  for (let img = 0; img < n; img++) {
    if (!opts.includeBackground) kept[img * c] = 0;
    else if (multiclass) kept[img * c] = 1;
  }
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
  return pixelLossReference(focalSpec, yTrue, yPred, options, ({ opts, layout }) => {
    const kept = keptChannelsReference(focalSpec.name, opts, yTrue, layout);
    const { n, p, c } = layout;
    const { gamma, alpha, epsilon: eps } = opts;
    const map = new Float32Array(n * p);
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
        map[img * p + i] = count > 0 ? total / count : 0;
      }
    }
    return { map };
  });
}
