import { fail, formatShape } from '../core/errors.js';
import type { NdArray } from '../core/ndarray.js';

/**
 * Integer label maps `[N, H, W]`, row-major: `data[(i * H + y) * W + x]` is the class of pixel `(y, x)`
 * of image `i`, class 0 = background.
 */
export interface LabelMaps {
  readonly data: Uint8Array;
  readonly shape: readonly [number, number, number];
}

/** Checks that `labels` is a consistent {@link LabelMaps}; returns `[N, H, W]`. */
export function checkLabels(where: string, labels: LabelMaps): [number, number, number] {
  const shape = labels?.shape;
  if (!(labels?.data instanceof Uint8Array) || !Array.isArray(shape) || shape.length !== 3) {
    fail(where, 'labels must be {data: Uint8Array, shape: [N, H, W]}');
  }
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
    fail(where, `labels has shape ${formatShape(shape)}; expected non-negative integer axes`);
  }
  const [n, h, w] = shape;
  if (labels.data.length !== n * h * w) {
    fail(where, `labels has ${labels.data.length} values but shape ${formatShape(shape)} needs ${n * h * w}`);
  }
  return [n, h, w];
}

/** Checks that `numClasses` is an integer in `[2, 256]` and that every label is below it. */
export function checkNumClasses(where: string, labels: LabelMaps, numClasses: number): void {
  if (!Number.isInteger(numClasses) || numClasses < 2 || numClasses > 256) {
    fail(where, `numClasses is ${numClasses}; expected an integer in [2, 256]`);
  }
  const bad = labels.data.findIndex((v) => v >= numClasses);
  if (bad >= 0) {
    fail(
      where,
      `labels has class ${labels.data[bad]} at flat index ${bad}; expected classes < numClasses = ${numClasses}`,
    );
  }
}

/**
 * One-hot encoding of label maps: `out[i, y, x, k] = 1` if `labels[i, y, x] = k` else 0.
 *
 * @param labels - `[N, H, W]` class indices
 * @param numClasses - `C`, at least 2 and greater than every label
 * @returns NdArray `[N, H, W, C]` float32
 * @example
 * ```ts
 * oneHot({ data: Uint8Array.of(0, 2), shape: [1, 1, 2] }, 3).data; // [1,0,0, 0,0,1]
 * ```
 */
export function oneHot(labels: LabelMaps, numClasses: number): NdArray {
  const [n, h, w] = checkLabels('oneHot', labels);
  checkNumClasses('oneHot', labels, numClasses);
  const out = new Float32Array(labels.data.length * numClasses);
  for (let p = 0; p < labels.data.length; p++) out[p * numClasses + labels.data[p]] = 1;
  return { data: out, shape: [n, h, w, numClasses] };
}

/**
 * Pixel counts per image and class: `counts[i * C + k]` = number of pixels of class `k` in image `i`.
 */
export function classCounts(labels: LabelMaps, numClasses: number): Int32Array {
  const [n, h, w] = checkLabels('classCounts', labels);
  checkNumClasses('classCounts', labels, numClasses);
  const counts = new Int32Array(n * numClasses);
  const p = h * w;
  for (let i = 0; i < n; i++) {
    for (let q = 0; q < p; q++) counts[i * numClasses + labels.data[i * p + q]]++;
  }
  return counts;
}
