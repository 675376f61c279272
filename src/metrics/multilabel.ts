import { fail, formatShape } from '../core/errors.js';
import type { NdArray } from '../core/ndarray.js';
import type { ConfusionStats } from './confusion.js';

/** Options of {@link multilabelStats}. */
export interface MultilabelStatsOptions {
  /** Probability at or above which a channel counts as predicted: one number, or one per class. Default 0.5. */
  readonly threshold?: number | readonly number[];
  /** Per-pixel mask `[N * P]` (1 = ignore): ignored pixels leave every count. */
  readonly ignoreMask?: NdArray | null;
  /**
   * Per-image annotated classes `[N, C]` (1 = labelled): an unannotated (image, class) pair has all four
   * counts 0, so its score is 0/0 and the NaN-skipping means leave it out (it is unknown, not wrong).
   */
  readonly annotated?: NdArray | null;
}

/**
 * Per-image, per-class confusion statistics of multi-label (or binary, C = 1) outputs at a threshold,
 * as smp's `get_stats(mode='multilabel', threshold)`: channel c of pixel i is predicted when
 * `p_ic >= threshold_c` and true when `y_ic = 1`, each channel counted on its own (classes may overlap):
 *   `tp = #{y = 1, pred}`, `fp = #{y = 0, pred}`, `fn = #{y = 1, not pred}`, `tn = #{y = 0, not pred}`.
 * The result feeds every metric of this folder (`iou`, `dice`, `precision`, ...).
 *
 * Shapes: `targets`, `probs` `[N, H, W, C]` or `[N, P, C]` (targets 0/1, probabilities in [0, 1]).
 *
 * @example
 * ```ts
 * // one image, two pixels, classes {a, b}: y = [[1, 1], [0, 1]], p = [[0.9, 0.4], [0.6, 0.7]]
 * const s = multilabelStats(ndarray([1, 1, 0, 1], [1, 2, 2]), ndarray([0.9, 0.4, 0.6, 0.7], [1, 2, 2]));
 * // s.tp = [1, 1], s.fp = [1, 0], s.fn = [0, 1], s.tn = [0, 0]
 * ```
 * @see smp `metrics/functional.py` `get_stats` (multilabel mode)
 */
export function multilabelStats(
  targets: NdArray,
  probs: NdArray,
  options: MultilabelStatsOptions = {},
): ConfusionStats {
  const where = 'multilabelStats';
  const shape = probs.shape;
  const same = targets.shape.length === shape.length && targets.shape.every((d, i) => d === shape[i]);
  if ((shape.length !== 3 && shape.length !== 4) || !same) {
    fail(
      where,
      `targets have shape ${formatShape(targets.shape)} and probs ${formatShape(shape)}; ` +
        'expected the same [N,H,W,C] or [N,P,C]',
    );
  }
  const n = shape[0];
  const c = shape[shape.length - 1];
  const pixels = probs.data.length / (n * c);
  const t = options.threshold ?? 0.5;
  const thresholds = typeof t === 'number' ? new Array<number>(c).fill(t) : [...t];
  if (thresholds.length !== c || thresholds.some((v) => !(v >= 0 && v <= 1))) {
    fail(where, `threshold is ${JSON.stringify(t)}; expected a number in [0, 1] or ${c} of them`);
  }
  const ignore = options.ignoreMask ?? null;
  if (ignore !== null && ignore.data.length !== n * pixels) {
    fail(where, `ignoreMask has ${ignore.data.length} entries; expected ${n * pixels} (one per pixel)`);
  }
  const annotated = options.annotated ?? null;
  if (annotated !== null && annotated.data.length !== n * c) {
    fail(where, `annotated has shape ${formatShape(annotated.shape)}; expected [${n},${c}]`);
  }
  const stats = {
    tp: new Float64Array(n * c),
    fp: new Float64Array(n * c),
    fn: new Float64Array(n * c),
    tn: new Float64Array(n * c),
  };
  for (let img = 0; img < n; img++) {
    for (let i = 0; i < pixels; i++) {
      if (ignore !== null && ignore.data[img * pixels + i] === 1) continue;
      const base = (img * pixels + i) * c;
      for (let k = 0; k < c; k++) {
        if (annotated !== null && annotated.data[img * c + k] === 0) continue;
        const y = targets.data[base + k];
        if (y !== 0 && y !== 1) fail(where, `targets has ${y} at flat index ${base + k}; expected 0 or 1`);
        const pred = probs.data[base + k] >= thresholds[k];
        const key = y === 1 ? (pred ? 'tp' : 'fn') : pred ? 'fp' : 'tn';
        stats[key][img * c + k]++;
      }
    }
  }
  return { n, numClasses: c, ...stats };
}
