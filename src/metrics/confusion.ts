import { fail, formatShape } from '../core/errors.js';
import type { NdArray } from '../core/ndarray.js';

/** Integer label maps accepted by the metrics: class indices, one per pixel, images concatenated. */
export type LabelArray = Int32Array | Uint8Array;

/**
 * Per-image, per-class confusion statistics: the one core every segloss metric is computed from
 * (as in segmentation_models_pytorch `metrics.get_stats`, multiclass mode). Each array is
 * `[N*C]`, row-major (`index = image * numClasses + class`), counting pixels:
 *
 * - `tp[i,c]` = #{p : label = c and pred = c}
 * - `fp[i,c]` = #{p : label ≠ c and pred = c}
 * - `fn[i,c]` = #{p : label = c and pred ≠ c}
 * - `tn[i,c]` = #{p : label ≠ c and pred ≠ c}
 *
 * over the pixels `p` of image `i` whose label is not `ignoreIndex`; so
 * `tp + fp + fn + tn` = number of non-ignored pixels of the image, for every class.
 */
export interface ConfusionStats {
  readonly n: number;
  readonly numClasses: number;
  readonly tp: Float64Array;
  readonly fp: Float64Array;
  readonly fn: Float64Array;
  readonly tn: Float64Array;
}

/** Options of {@link confusionStats}. */
export interface ConfusionOptions {
  /** Number of images `N`; the pixels per image are `labels.length / n`. */
  readonly n: number;
  /** Number of classes `C`; labels and predictions must lie in `[0, C)` (labels may also be `ignoreIndex`). */
  readonly numClasses: number;
  /** Label value whose pixels are left out of every count (default 255, as in Pascal VOC). */
  readonly ignoreIndex?: number;
}

function checkLabels(
  where: string,
  labels: LabelArray,
  pred: LabelArray,
  n: number,
  numClasses: number,
): number {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    fail(where, `numClasses is ${numClasses}; expected a positive integer`);
  }
  if (!Number.isInteger(n) || n < 1) fail(where, `n is ${n}; expected a positive integer (number of images)`);
  if (labels.length !== pred.length) {
    fail(where, `pred has ${pred.length} pixels but labels has ${labels.length}; expected the same [N*H*W]`);
  }
  if (labels.length % n !== 0) fail(where, `labels has ${labels.length} pixels, not a multiple of n = ${n}`);
  return labels.length / n;
}

/**
 * Counts true/false positives/negatives per image and class from integer label maps.
 *
 * Follows smp `get_stats(mode='multiclass', ignore_index)`: a pixel whose label is `ignoreIndex` is
 * removed from all four counts (a prediction there is neither a false positive nor a true negative).
 *
 * @param labels - ground-truth class per pixel, `[N*H*W]`, values in `[0, C)` or `ignoreIndex`
 * @param pred - predicted class per pixel, `[N*H*W]`, values in `[0, C)`
 * @throws SeglossError `segloss: confusionStats: ...` for mismatched lengths or out-of-range values
 * @see https://github.com/qubvel-org/segmentation_models.pytorch (metrics/functional.py, get_stats)
 * @example
 * ```ts
 * const s = confusionStats(Uint8Array.of(0, 1, 1, 255), Uint8Array.of(0, 1, 0, 1), { n: 1, numClasses: 2 });
 * // s.tp = [1, 1], s.fp = [1, 0], s.fn = [0, 1], s.tn = [1, 1]
 * ```
 */
export function confusionStats(
  labels: LabelArray,
  pred: LabelArray,
  options: ConfusionOptions,
): ConfusionStats {
  const where = 'confusionStats';
  const { n, numClasses } = options;
  const ignoreIndex = options.ignoreIndex ?? 255;
  const pixels = checkLabels(where, labels, pred, n, numClasses);
  if (ignoreIndex >= 0 && ignoreIndex < numClasses) {
    fail(where, `ignoreIndex ${ignoreIndex} is a class index; expected a value outside [0, ${numClasses})`);
  }
  const c = numClasses;
  const tp = new Float64Array(n * c);
  const fp = new Float64Array(n * c);
  const fn = new Float64Array(n * c);
  const tn = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    let valid = 0;
    const off = i * c;
    for (let p = i * pixels; p < (i + 1) * pixels; p++) {
      const t = labels[p];
      if (t === ignoreIndex) continue;
      const q = pred[p];
      if (!(t >= 0 && t < c))
        fail(where, `labels has ${t} at flat index ${p}; expected [0, ${c}) or ${ignoreIndex}`);
      if (!(q >= 0 && q < c)) fail(where, `pred has ${q} at flat index ${p}; expected [0, ${c})`);
      valid++;
      if (t === q) tp[off + t]++;
      else {
        fp[off + q]++;
        fn[off + t]++;
      }
    }
    for (let k = off; k < off + c; k++) tn[k] = valid - tp[k] - fp[k] - fn[k];
  }
  return { n, numClasses, tp, fp, fn, tn };
}

/**
 * The `C×C` confusion matrix summed over all pixels: `m[t * C + p]` = number of pixels with true class
 * `t` predicted as `p` (rows = truth, columns = prediction); pixels labelled `ignoreIndex` are skipped.
 * Its diagonal equals `tp` summed over images, row sums minus the diagonal `fn`, column sums minus the
 * diagonal `fp`.
 *
 * @example
 * ```ts
 * confusionMatrix(Uint8Array.of(0, 1, 1), Uint8Array.of(0, 0, 1), 2); // [1, 0, 1, 1]
 * ```
 */
export function confusionMatrix(
  labels: LabelArray,
  pred: LabelArray,
  numClasses: number,
  options: { ignoreIndex?: number } = {},
): Float64Array {
  const where = 'confusionMatrix';
  checkLabels(where, labels, pred, 1, numClasses);
  const ignoreIndex = options.ignoreIndex ?? 255;
  const m = new Float64Array(numClasses * numClasses);
  for (let p = 0; p < labels.length; p++) {
    const t = labels[p];
    if (t === ignoreIndex) continue;
    const q = pred[p];
    if (!(t >= 0 && t < numClasses))
      fail(where, `labels has ${t} at flat index ${p}; expected [0, ${numClasses})`);
    if (!(q >= 0 && q < numClasses))
      fail(where, `pred has ${q} at flat index ${p}; expected [0, ${numClasses})`);
    m[t * numClasses + q]++;
  }
  return m;
}

/**
 * Class of highest score per pixel of a channels-last `[..., C]` array (first maximum on ties), as an
 * `Int32Array` of the leading size; turns probabilities or one-hot labels into a label map.
 *
 * @example
 * ```ts
 * argmaxLabels(ndarray([0.2, 0.8, 0.6, 0.4], [1, 2, 2])); // Int32Array [1, 0]
 * ```
 */
export function argmaxLabels(scores: NdArray): Int32Array {
  if (scores.shape.length < 2) {
    fail('argmaxLabels', `scores has shape ${formatShape(scores.shape)}; expected [..., C] with rank >= 2`);
  }
  const c = scores.shape[scores.shape.length - 1];
  const out = new Int32Array(c === 0 ? 0 : scores.data.length / c);
  for (let i = 0; i < out.length; i++) {
    let best = 0;
    for (let k = 1; k < c; k++) if (scores.data[i * c + k] > scores.data[i * c + best]) best = k;
    out[i] = best;
  }
  return out;
}
