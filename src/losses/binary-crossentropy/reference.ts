import type { NdArray } from '../../core/ndarray.js';
import { annotatedReference } from '../shared/annotated.js';
import { pixelLossReference } from '../shared/pixel-loss.js';
import { binaryCrossEntropySpec, positiveWeights, type BinaryCrossEntropyOptions } from './spec.js';

/** `log(1 + e^x)` without overflow: `max(x, 0) + log1p(e^-|x|)`. */
function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/**
 * Binary cross-entropy over typed arrays: the readable definition and the oracle of
 * {@link binaryCrossEntropy} (see {@link binaryCrossEntropySpec} for the formula).
 *
 * @example
 * ```ts
 * // one pixel, one channel, t = 1, p = 0.8: -log 0.8
 * binaryCrossEntropyReference(ndarray([1], [1, 1, 1]), ndarray([0.8], [1, 1, 1])).data[0]; // 0.22314355
 * ```
 * @see PyTorch `BCEWithLogitsLoss`; Keras `BinaryCrossentropy`.
 */
export function binaryCrossEntropyReference(
  yTrue: NdArray,
  yPred: NdArray,
  options?: Partial<BinaryCrossEntropyOptions>,
): NdArray {
  const where = binaryCrossEntropySpec.name;
  return pixelLossReference(binaryCrossEntropySpec, yTrue, yPred, options, ({ opts, layout }) => {
    const { n, p, c } = layout;
    const kept =
      opts.annotated === null
        ? new Float32Array(n * c).fill(1)
        : annotatedReference(where, opts.annotated, yTrue, layout, false);
    const pw = positiveWeights(opts, c);
    const ls = opts.labelSmoothing;
    const eps = opts.epsilon;
    const map = new Float32Array(n * p);
    const denom = new Float32Array(n * p);
    for (let img = 0; img < n; img++) {
      let count = 0;
      for (let k = 0; k < c; k++) count += kept[img * c + k];
      for (let i = 0; i < p; i++) {
        const base = (img * p + i) * c;
        let total = 0;
        for (let k = 0; k < c; k++) {
          const a = kept[img * c + k];
          if (a === 0) continue;
          const t = yTrue.data[base + k] * (1 - ls) + ls / 2;
          const v = yPred.data[base + k];
          // -log s(z) = softplus(-z), -log(1 - s(z)) = softplus(z); or the logs of clipped probabilities.
          const negLogPos = opts.fromLogits ? softplus(-v) : -Math.log(Math.min(Math.max(v, eps), 1 - eps));
          const negLogNeg = opts.fromLogits
            ? softplus(v)
            : -Math.log(1 - Math.min(Math.max(v, eps), 1 - eps));
          total += a * (pw[k] * t * negLogPos + (1 - t) * negLogNeg);
        }
        map[img * p + i] = total / c;
        denom[img * p + i] = count / c;
      }
    }
    return { map, denom };
  });
}
