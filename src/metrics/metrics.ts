import { fail } from '../core/errors.js';
import type { ConfusionStats } from './confusion.js';
import {
  diceOf,
  iouOf,
  nanMean,
  precisionOf,
  recallOf,
  reduceScore,
  type MetricReduction,
  type ScoreOptions,
} from './scores.js';

/** A metric over confusion statistics: a number, or `Float64Array` for `reduction: 'none'`. */
export interface Metric {
  (stats: ConfusionStats, options: ScoreOptions & { reduction: 'none' }): Float64Array;
  (stats: ConfusionStats, options?: ScoreOptions & { reduction?: Exclude<MetricReduction, 'none'> }): number;
  (stats: ConfusionStats, options?: ScoreOptions): number | Float64Array;
}

/**
 * Intersection over union (Jaccard index).
 *
 * Formula: `IoU = tp / (tp + fp + fn)`, reduced as in {@link ScoreOptions} (default `'macro'`: the
 * mean over classes of the IoU of each class over the whole set = mIoU).
 *
 * @example
 * ```ts
 * // tp = [1, 1], fp = [1, 0], fn = [0, 1]: IoU = [1/2, 1/2]
 * iou(confusionStats(Uint8Array.of(0, 1, 1), Uint8Array.of(0, 1, 0), { n: 1, numClasses: 2 })); // 0.5
 * ```
 * @see Jaccard (1912); smp metrics/functional.py `iou_score`
 */
export const iou = ((stats: ConfusionStats, options?: ScoreOptions) =>
  reduceScore('iou', iouOf, stats, options)) as Metric;

/** Dice coefficient (F1): `2 tp / (2 tp + fp + fn)`; reductions as {@link iou}. */
export const dice = ((stats: ConfusionStats, options?: ScoreOptions) =>
  reduceScore('dice', diceOf, stats, options)) as Metric;

/** Precision (positive predictive value): `tp / (tp + fp)`; reductions as {@link iou}. */
export const precision = ((stats: ConfusionStats, options?: ScoreOptions) =>
  reduceScore('precision', precisionOf, stats, options)) as Metric;

/** Recall (sensitivity): `tp / (tp + fn)`; reductions as {@link iou}. */
export const recall = ((stats: ConfusionStats, options?: ScoreOptions) =>
  reduceScore('recall', recallOf, stats, options)) as Metric;

/**
 * Pixel accuracy: the fraction of non-ignored pixels whose predicted class is right,
 * `Σ_c tp_c / Σ_c (tp_c + fn_c)` (each pixel is a tp or an fn of its true class).
 *
 * Reductions: `'micro'` (default) over all pixels of all images; `'per-image'` the mean of the
 * per-image accuracies; `'none'` the accuracy per image (`Float64Array [N]`); `'macro'` the mean over
 * classes of the per-class accuracy `tp_c / (tp_c + fn_c)` — the "mean accuracy" of Long et al. (2015),
 * which is macro recall. Images with no valid pixel give 0/0 → `zeroDivision` (default NaN, skipped).
 *
 * Note that smp's `accuracy` is a different, per-class binary accuracy `(tp + tn) / (tp + fp + fn + tn)`.
 *
 * @see Long, Shelhamer, Darrell, "Fully Convolutional Networks for Semantic Segmentation", CVPR 2015, §5
 */
export const pixelAccuracy = ((stats: ConfusionStats, options?: ScoreOptions): number | Float64Array => {
  const reduction = options?.reduction ?? 'micro';
  const zd = options?.zeroDivision ?? 'nan';
  if (reduction === 'macro') return recall(stats, { ...options, reduction: 'macro' });
  if (options?.includeBackground === false)
    fail('pixelAccuracy', 'includeBackground: false is only for macro');
  const { n, numClasses: c } = stats;
  const right = new Float64Array(n);
  const total = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < c; j++) {
      right[i] += stats.tp[i * c + j];
      total[i] += stats.tp[i * c + j] + stats.fn[i * c + j];
    }
  }
  const fix = (v: number) => (Number.isNaN(v) && zd !== 'nan' ? zd : v);
  if (reduction === 'micro') {
    return fix(right.reduce((a, b) => a + b, 0) / total.reduce((a, b) => a + b, 0));
  }
  const perImage = right.map((r, i) => fix(r / total[i]));
  if (reduction === 'none') return perImage;
  if (reduction === 'per-image') return nanMean(perImage);
  return fail(
    'pixelAccuracy',
    `reduction is '${String(reduction)}'; expected 'micro', 'macro', 'per-image' or 'none'`,
  );
}) as Metric;
