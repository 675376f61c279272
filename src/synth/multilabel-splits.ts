import type { NdArray } from '../core/ndarray.js';
import { synthMultilabelScenes } from './multilabel.js';
import { Random } from './random.js';

/** One multi-label split: images, bitmask labels `[N,H,W]` (bit c = class c) and annotated `[N,C]`. */
export interface MultilabelSplit {
  readonly images: NdArray;
  readonly labels: { readonly data: Uint8Array; readonly shape: readonly [number, number, number] };
  readonly annotated: NdArray;
}

/**
 * A multi-label split of `synthMultilabelScenes` as a dataset writes it: each pixel's classes packed
 * into a bitmask `m = sum_c y_c 2^c`; with `missingRate` r each class present in an image loses its
 * label with probability r (its bit cleared and its `annotated` entry 0: unknown, not absent). Classes
 * absent from an image stay annotated (a known negative).
 *
 * @example
 * ```ts
 * const s = multilabelSplit({ n: 4, size: 32, numClasses: 2, seed: 1 }, 0.5, 7);
 * s.labels.data; // values in 0..3
 * ```
 */
export function multilabelSplit(
  options: { n: number; size: number; numClasses: number; absentRate?: number; seed: number },
  missingRate: number,
  dropSeed: number,
): MultilabelSplit {
  const { images, targets, present } = synthMultilabelScenes(options);
  const { n, size, numClasses: c } = options;
  const p = size * size;
  const rng = new Random(dropSeed);
  const annotated = new Float32Array(n * c).fill(1);
  for (let i = 0; i < n * c; i++) if (present.data[i] === 1 && rng.bernoulli(missingRate)) annotated[i] = 0;
  const labels = new Uint8Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let q = 0; q < p; q++) {
      let m = 0;
      for (let k = 0; k < c; k++)
        if (annotated[i * c + k] === 1 && targets.data[(i * p + q) * c + k] > 0) m |= 1 << k;
      labels[i * p + q] = m;
    }
  }
  return {
    images,
    labels: { data: labels, shape: [n, size, size] },
    annotated: { data: annotated, shape: [n, c] },
  };
}
