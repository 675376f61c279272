import type { NdArray } from '../../core/ndarray.js';
import { annotatedReference } from '../shared/annotated.js';
import { pixelLossReference } from '../shared/pixel-loss.js';
import { crossEntropyMapReference } from '../shared/crossentropy-map.js';
import { missingAwareSpec, type MissingAwareOptions } from './spec.js';

/**
 * The post's missing-aware cross-entropy over typed arrays; the oracle of {@link missingAwareCrossEntropy}.
 *
 * Formula: `L_i = -(A[n, argmax_c p_ic] * y_i0 log p_i0 + sum_{c >= 1} y_ic log p_ic)` (see
 * {@link missingAwareSpec}), i.e. cross-entropy on targets whose background entry is scaled by the weight.
 *
 * @example
 * ```ts
 * // image: pixel 0 labelled class 1, pixel 1 labelled background but predicted class 2 (never annotated)
 * const y = ndarray([0, 1, 0, 1, 0, 0], [1, 2, 3]);
 * const p = ndarray([0.1, 0.8, 0.1, 0.2, 0.1, 0.7], [1, 2, 3]);
 * missingAwareCrossEntropyReference(y, p).data[0]; // (-log 0.8 + 0) / 2 = 0.11157178
 * ```
 * @see the segloss post (README, "Where this comes from").
 */
export function missingAwareCrossEntropyReference(
  yTrue: NdArray,
  yPred: NdArray,
  options?: Partial<MissingAwareOptions>,
): NdArray {
  return pixelLossReference(missingAwareSpec, yTrue, yPred, options, ({ opts, layout }) => {
    const annotated = annotatedReference(missingAwareSpec.name, opts.annotated, yTrue, layout);
    const { n, p, c } = layout;
    const weighted = Float32Array.from(yTrue.data);
    for (let img = 0; img < n; img++) {
      for (let i = 0; i < p; i++) {
        const base = (img * p + i) * c;
        let best = 0;
        for (let k = 1; k < c; k++) if (yPred.data[base + k] > yPred.data[base + best]) best = k;
        weighted[base] *= annotated[img * c + best];
      }
    }
    return { map: crossEntropyMapReference(weighted, yPred.data, layout, opts.fromLogits, opts.epsilon) };
  });
}
